/*
 * powerfs: a FUSE filesystem that simulates power loss, for the power-loss harness (test-only).
 *
 *   powerfs BACKING MOUNTPOINT
 *
 * At mount the whole tree under BACKING is loaded into memory and served at MOUNTPOINT. Every
 * change lives only in memory ("the page cache") until the fsync that makes it durable on a
 * strict POSIX disk:
 *   - a file's bytes and size: fsync/fdatasync of that file;
 *   - a name created, renamed, hard-linked or removed in a directory: fsync of that directory
 *     (a file whose name is durable but whose data never was comes back empty).
 * Signals end the mount and decide what BACKING holds afterwards:
 *   SIGUSR1  cut power: only the durable state is written back;
 *   SIGTERM  clean shutdown (like `sync; umount`): everything is made durable first.
 * BACKING is replaced as a whole (a fresh tree, then renames), so it looks exactly like the disk
 * after the outage; the next mount loads it again.
 *
 * Not modelled: torn writes (the durable content of a file is always a whole fsynced version),
 * symlinks, xattrs, ownership. File locks are left to the kernel (no lock handlers), which is
 * right for a single machine. Requests are served by one thread, so no locking is needed here.
 */
#define FUSE_USE_VERSION 34
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

struct entry {
  char *name;
  fuse_ino_t ino;
};

struct dir {
  struct entry *e;
  size_t n, cap;
};

struct node {
  fuse_ino_t ino;
  mode_t mode; /* type and permission bits */
  unsigned nlink;
  struct timespec atime, mtime, ctime;
  /* Regular files: live bytes, and the durable version. `shared` means durable == live buffer. */
  char *data;
  size_t size, cap;
  char *ddata;
  size_t dsize;
  bool shared;
  bool modified;       /* live differs from durable */
  bool durable_edited; /* durable differs from what was loaded from `src` */
  char *src;           /* the file in BACKING this node was loaded from */
  ino_t src_ino;       /* its inode there, to find further hard links to it */
  char *written_to;    /* where the current write-back put it (to hard-link further names) */
  /* Directories: live entries and the durable ones. */
  struct dir live, durable;
  bool visiting;
};

static struct node **nodes;
static size_t nnodes, capnodes;
static volatile sig_atomic_t cut_requested, stop_requested;
static struct fuse_session *session;

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    perror("powerfs: out of memory");
    abort();
  }
  return q;
}

static char *xstrdup(const char *s) {
  char *d = strdup(s);
  if (!d) abort();
  return d;
}

static struct timespec now(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return t;
}

static struct node *new_node(mode_t mode) {
  if (nnodes == 0) nnodes = 1; /* inode 0 is invalid; the first node is the root, inode 1 */
  if (nnodes >= capnodes) {
    capnodes = capnodes ? capnodes * 2 : 1024;
    nodes = xrealloc(nodes, capnodes * sizeof *nodes);
  }
  struct node *n = calloc(1, sizeof *n);
  if (!n) abort();
  n->ino = nnodes;
  n->mode = mode;
  n->nlink = S_ISDIR(mode) ? 2 : 0;
  n->atime = n->mtime = n->ctime = now();
  n->shared = true; /* both versions empty */
  nodes[nnodes++] = n;
  return n;
}

static struct node *get(fuse_ino_t ino) { return ino > 0 && ino < nnodes ? nodes[ino] : NULL; }

/* ---- directories ---- */

static struct entry *dir_find(struct dir *d, const char *name) {
  for (size_t i = 0; i < d->n; i++)
    if (strcmp(d->e[i].name, name) == 0) return &d->e[i];
  return NULL;
}

static void dir_set(struct dir *d, const char *name, fuse_ino_t ino) {
  struct entry *e = dir_find(d, name);
  if (e) {
    e->ino = ino;
    return;
  }
  if (d->n == d->cap) {
    d->cap = d->cap ? d->cap * 2 : 8;
    d->e = xrealloc(d->e, d->cap * sizeof *d->e);
  }
  d->e[d->n].name = xstrdup(name);
  d->e[d->n].ino = ino;
  d->n++;
}

static void dir_del(struct dir *d, const char *name) {
  struct entry *e = dir_find(d, name);
  if (!e) return;
  free(e->name);
  *e = d->e[--d->n];
}

static void dir_copy(struct dir *dst, const struct dir *src) {
  for (size_t i = 0; i < dst->n; i++) free(dst->e[i].name);
  dst->n = 0;
  for (size_t i = 0; i < src->n; i++) dir_set(dst, src->e[i].name, src->e[i].ino);
}

/* ---- file contents ---- */

/* Gives the live version its own buffer before it changes, keeping the durable one intact. */
static void unshare(struct node *n) {
  if (!n->shared) return;
  char *copy = xrealloc(NULL, n->size);
  if (n->size) memcpy(copy, n->data, n->size);
  n->data = copy;
  n->cap = n->size;
  n->shared = false;
}

static void resize(struct node *n, size_t size) {
  unshare(n);
  if (size > n->cap) {
    size_t cap = n->cap ? n->cap : 4096;
    while (cap < size) cap *= 2;
    n->data = xrealloc(n->data, cap);
    n->cap = cap;
  }
  if (size > n->size) memset(n->data + n->size, 0, size - n->size);
  n->size = size;
  n->modified = true;
}

static void sync_file(struct node *n) {
  if (!n->modified) return;
  if (!n->shared) free(n->ddata);
  n->ddata = n->data;
  n->dsize = n->size;
  n->shared = true;
  n->modified = false;
  n->durable_edited = true;
}

/* ---- replies ---- */

static void fill_stat(const struct node *n, struct stat *st) {
  memset(st, 0, sizeof *st);
  st->st_ino = n->ino;
  st->st_mode = n->mode;
  st->st_nlink = n->nlink;
  st->st_size = S_ISDIR(n->mode) ? 4096 : (off_t)n->size;
  st->st_blksize = 4096;
  st->st_blocks = (st->st_size + 511) / 512;
  st->st_atim = n->atime;
  st->st_mtim = n->mtime;
  st->st_ctim = n->ctime;
}

static void reply_entry(fuse_req_t req, const struct node *n) {
  struct fuse_entry_param e;
  memset(&e, 0, sizeof e);
  e.ino = n->ino;
  e.attr_timeout = 1.0;
  e.entry_timeout = 1.0;
  fill_stat(n, &e.attr);
  fuse_reply_entry(req, &e);
}

static void reply_attr(fuse_req_t req, const struct node *n) {
  struct stat st;
  fill_stat(n, &st);
  fuse_reply_attr(req, &st, 1.0);
}

static struct node *dir_node(fuse_req_t req, fuse_ino_t ino) {
  struct node *d = get(ino);
  if (!d) fuse_reply_err(req, ENOENT);
  else if (!S_ISDIR(d->mode)) {
    fuse_reply_err(req, ENOTDIR);
    d = NULL;
  }
  return d;
}

/* The node `ino`, or NULL after replying ENOENT. */
static struct node *existing(fuse_req_t req, fuse_ino_t ino) {
  struct node *n = get(ino);
  if (!n) fuse_reply_err(req, ENOENT);
  return n;
}

/* The node named `name` in directory `d`, or NULL after replying ENOENT. */
static struct node *child(fuse_req_t req, struct node *d, const char *name) {
  struct entry *e = dir_find(&d->live, name);
  if (!e) fuse_reply_err(req, ENOENT);
  return e ? get(e->ino) : NULL;
}

/* ---- operations ---- */

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name) {
  struct node *d = dir_node(req, parent);
  if (!d) return;
  struct node *n = child(req, d, name);
  if (n) reply_entry(req, n);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
  (void)ino;
  (void)nlookup;
  fuse_reply_none(req); /* nodes live until unmount: the durable tree may still name them */
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
  (void)fi;
  struct node *n = existing(req, ino);
  if (n) reply_attr(req, n);
}

static struct timespec pick_time(const struct stat *attr, int set, int bit, int now_bit,
                                 struct timespec current, bool which_mtime) {
  if (set & now_bit) return now();
  if (set & bit) return which_mtime ? attr->st_mtim : attr->st_atim;
  return current;
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int set,
                       struct fuse_file_info *fi) {
  (void)fi;
  struct node *n = existing(req, ino);
  if (!n) return;
  if (set & FUSE_SET_ATTR_SIZE) {
    if (!S_ISREG(n->mode)) {
      fuse_reply_err(req, EISDIR);
      return;
    }
    if ((size_t)attr->st_size != n->size) resize(n, (size_t)attr->st_size);
    n->mtime = now();
  }
  if (set & FUSE_SET_ATTR_MODE) n->mode = (n->mode & S_IFMT) | (attr->st_mode & 07777);
  n->atime = pick_time(attr, set, FUSE_SET_ATTR_ATIME, FUSE_SET_ATTR_ATIME_NOW, n->atime, false);
  n->mtime = pick_time(attr, set, FUSE_SET_ATTR_MTIME, FUSE_SET_ATTR_MTIME_NOW, n->mtime, true);
  n->ctime = now();
  reply_attr(req, n);
}

/* Adds a new node named `name` to `parent`; replies with the error if it cannot. */
static struct node *add_child(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode) {
  struct node *d = dir_node(req, parent);
  if (!d) return NULL;
  if (dir_find(&d->live, name)) {
    fuse_reply_err(req, EEXIST);
    return NULL;
  }
  if (strlen(name) > 255) {
    fuse_reply_err(req, ENAMETOOLONG);
    return NULL;
  }
  struct node *n = new_node(mode);
  dir_set(&d->live, name, n->ino);
  if (S_ISDIR(mode)) d->nlink++;
  else n->nlink = 1;
  d->mtime = d->ctime = now();
  return n;
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
                     dev_t rdev) {
  (void)rdev;
  if (!S_ISREG(mode)) {
    fuse_reply_err(req, EPERM);
    return;
  }
  struct node *n = add_child(req, parent, name, mode);
  if (n) reply_entry(req, n);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode) {
  struct node *n = add_child(req, parent, name, S_IFDIR | (mode & 07777));
  if (n) reply_entry(req, n);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
                      struct fuse_file_info *fi) {
  struct node *n = add_child(req, parent, name, S_IFREG | (mode & 07777));
  if (!n) return;
  struct fuse_entry_param e;
  memset(&e, 0, sizeof e);
  e.ino = n->ino;
  e.attr_timeout = e.entry_timeout = 1.0;
  fill_stat(n, &e.attr);
  fuse_reply_create(req, &e, fi);
}

static void remove_entry(fuse_req_t req, fuse_ino_t parent, const char *name, bool want_dir) {
  struct node *d = dir_node(req, parent);
  if (!d) return;
  struct node *n = child(req, d, name);
  if (!n) return;
  if (want_dir && !S_ISDIR(n->mode)) {
    fuse_reply_err(req, ENOTDIR);
    return;
  }
  if (!want_dir && S_ISDIR(n->mode)) {
    fuse_reply_err(req, EISDIR);
    return;
  }
  if (want_dir && n->live.n > 0) {
    fuse_reply_err(req, ENOTEMPTY);
    return;
  }
  dir_del(&d->live, name);
  if (want_dir) d->nlink--;
  else n->nlink--;
  n->ctime = d->mtime = d->ctime = now();
  fuse_reply_err(req, 0);
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name) {
  remove_entry(req, parent, name, false);
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name) {
  remove_entry(req, parent, name, true);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
                      const char *newname, unsigned int flags) {
  if (flags & ~RENAME_NOREPLACE) {
    fuse_reply_err(req, EINVAL);
    return;
  }
  struct node *from = dir_node(req, parent);
  if (!from) return;
  struct node *to = dir_node(req, newparent);
  if (!to) return;
  struct node *n = child(req, from, name);
  if (!n) return;
  struct entry *dst = dir_find(&to->live, newname);
  if (dst) {
    struct node *old = get(dst->ino);
    if (old == n) {
      fuse_reply_err(req, 0);
      return;
    }
    int err = (flags & RENAME_NOREPLACE)                   ? EEXIST
              : S_ISDIR(n->mode) && !S_ISDIR(old->mode)    ? ENOTDIR
              : !S_ISDIR(n->mode) && S_ISDIR(old->mode)    ? EISDIR
              : S_ISDIR(old->mode) && old->live.n > 0      ? ENOTEMPTY
                                                           : 0;
    if (err) {
      fuse_reply_err(req, err);
      return;
    }
    if (S_ISDIR(old->mode)) to->nlink--;
    else old->nlink--;
    old->ctime = now();
  }
  dir_del(&from->live, name);
  dir_set(&to->live, newname, n->ino);
  if (S_ISDIR(n->mode)) {
    from->nlink--;
    to->nlink++;
  }
  from->mtime = from->ctime = to->mtime = to->ctime = n->ctime = now();
  fuse_reply_err(req, 0);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname) {
  struct node *n = existing(req, ino);
  if (!n) return;
  if (S_ISDIR(n->mode)) {
    fuse_reply_err(req, EPERM);
    return;
  }
  struct node *d = dir_node(req, newparent);
  if (!d) return;
  if (dir_find(&d->live, newname)) {
    fuse_reply_err(req, EEXIST);
    return;
  }
  dir_set(&d->live, newname, ino);
  n->nlink++;
  n->ctime = d->mtime = d->ctime = now();
  reply_entry(req, n);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
  struct node *n = existing(req, ino);
  if (!n) return;
  if (S_ISDIR(n->mode)) {
    fuse_reply_err(req, EISDIR);
    return;
  }
  if (fi->flags & O_TRUNC && n->size > 0) resize(n, 0);
  fi->keep_cache = 0; /* direct_io stays off, so mmap (SQLite's -shm) works */
  fuse_reply_open(req, fi);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                    struct fuse_file_info *fi) {
  (void)fi;
  struct node *n = existing(req, ino);
  if (!n) return;
  if ((size_t)off >= n->size) {
    fuse_reply_buf(req, NULL, 0);
    return;
  }
  size_t len = n->size - (size_t)off < size ? n->size - (size_t)off : size;
  fuse_reply_buf(req, n->data + off, len);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi) {
  struct node *n = existing(req, ino);
  if (!n) return;
  if (fi->flags & O_APPEND) off = (off_t)n->size;
  size_t end = (size_t)off + size;
  if (end > n->size) resize(n, end);
  else unshare(n);
  memcpy(n->data + off, buf, size);
  n->modified = true;
  n->mtime = n->ctime = now();
  fuse_reply_write(req, size);
}

static void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi) {
  (void)datasync; /* fdatasync and fsync both make the bytes and the size durable */
  (void)fi;
  struct node *n = existing(req, ino);
  if (!n) return;
  sync_file(n);
  fuse_reply_err(req, 0);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
  if (dir_node(req, ino)) fuse_reply_open(req, fi);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi) {
  (void)fi;
  struct node *d = dir_node(req, ino);
  if (!d) return;
  char *buf = xrealloc(NULL, size);
  size_t used = 0;
  /* Offsets: 1 = ".", 2 = "..", 3 + i = entry i. */
  for (off_t i = off; i < (off_t)d->live.n + 2; i++) {
    struct stat st;
    memset(&st, 0, sizeof st);
    const char *name;
    if (i == 0) {
      name = ".";
      st.st_ino = d->ino;
      st.st_mode = S_IFDIR;
    } else if (i == 1) {
      name = "..";
      st.st_ino = FUSE_ROOT_ID;
      st.st_mode = S_IFDIR;
    } else {
      struct entry *e = &d->live.e[i - 2];
      name = e->name;
      st.st_ino = e->ino;
      st.st_mode = get(e->ino)->mode;
    }
    size_t need = fuse_add_direntry(req, buf + used, size - used, name, &st, i + 1);
    if (need > size - used) break;
    used += need;
  }
  fuse_reply_buf(req, buf, used);
  free(buf);
}

static void op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi) {
  (void)datasync;
  (void)fi;
  struct node *d = dir_node(req, ino);
  if (!d) return;
  dir_copy(&d->durable, &d->live);
  fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino) {
  (void)ino;
  struct statvfs st;
  memset(&st, 0, sizeof st);
  st.f_bsize = st.f_frsize = 4096;
  st.f_blocks = st.f_bfree = st.f_bavail = 1UL << 28; /* 1 TiB */
  st.f_files = st.f_ffree = st.f_favail = 1UL << 24;
  st.f_namemax = 255;
  fuse_reply_statfs(req, &st);
}

static const struct fuse_lowlevel_ops ops = {
    .lookup = op_lookup,
    .forget = op_forget,
    .getattr = op_getattr,
    .setattr = op_setattr,
    .mknod = op_mknod,
    .mkdir = op_mkdir,
    .unlink = op_unlink,
    .rmdir = op_rmdir,
    .rename = op_rename,
    .link = op_link,
    .open = op_open,
    .read = op_read,
    .write = op_write,
    .fsync = op_fsync,
    .opendir = op_opendir,
    .readdir = op_readdir,
    .fsyncdir = op_fsyncdir,
    .statfs = op_statfs,
    .create = op_create,
};

/* ---- loading BACKING and writing the durable state back ---- */

static char *join_path(const char *dir, const char *name) {
  size_t len = strlen(dir) + strlen(name) + 2;
  char *p = xrealloc(NULL, len);
  snprintf(p, len, "%s/%s", dir, name);
  return p;
}

static int load_file(struct node *n, const char *path, off_t size) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  n->data = xrealloc(NULL, (size_t)size);
  n->cap = n->size = (size_t)size;
  for (size_t got = 0; got < n->size;) {
    ssize_t r = read(fd, n->data + got, n->size - got);
    if (r <= 0) {
      close(fd);
      return -1;
    }
    got += (size_t)r;
  }
  close(fd);
  n->ddata = n->data;
  n->dsize = n->size;
  n->src = xstrdup(path);
  return 0;
}

/* Loads the tree under `path` into directory node `d`; hard links share one node. */
static int load_dir(struct node *d, const char *path) {
  DIR *dh = opendir(path);
  if (!dh) return -1;
  struct dirent *de;
  while ((de = readdir(dh))) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    char *child = join_path(path, de->d_name);
    struct stat st;
    if (lstat(child, &st) < 0) goto fail;
    struct node *n = NULL;
    if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
      for (size_t i = 1; i < nnodes && !n; i++)
        if (nodes[i]->src && nodes[i]->src_ino == st.st_ino) n = nodes[i];
    }
    if (!n) {
      if (S_ISDIR(st.st_mode)) {
        n = new_node(S_IFDIR | (st.st_mode & 07777));
        if (load_dir(n, child) < 0) goto fail;
        d->nlink++;
      } else if (S_ISREG(st.st_mode)) {
        n = new_node(st.st_mode);
        if (load_file(n, child, st.st_size) < 0) goto fail;
        n->src_ino = st.st_ino;
      } else {
        fprintf(stderr, "powerfs: skipping %s (not a file or directory)\n", child);
        free(child);
        continue;
      }
      n->atime = st.st_atim;
      n->mtime = st.st_mtim;
      n->ctime = st.st_ctim;
    }
    if (!S_ISDIR(n->mode)) n->nlink++;
    dir_set(&d->live, de->d_name, n->ino);
    dir_set(&d->durable, de->d_name, n->ino);
    free(child);
    continue;
  fail:
    perror(child);
    free(child);
    closedir(dh);
    return -1;
  }
  closedir(dh);
  return 0;
}

static int write_all(const char *path, const struct node *n) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, n->mode & 07777);
  if (fd < 0) return -1;
  for (size_t done = 0; done < n->dsize;) {
    ssize_t w = write(fd, n->ddata + done, n->dsize - done);
    if (w < 0) {
      close(fd);
      return -1;
    }
    done += (size_t)w;
  }
  struct timespec times[2] = {n->atime, n->mtime};
  futimens(fd, times);
  return close(fd);
}

/* Writes directory `d`'s durable entries under `path` (which exists), recursively. */
static int write_back_dir(struct node *d, const char *path) {
  d->visiting = true; /* durable snapshots taken at different times can form a cycle */
  int rc = 0;
  for (size_t i = 0; i < d->durable.n && rc == 0; i++) {
    struct node *n = get(d->durable.e[i].ino);
    char *child = join_path(path, d->durable.e[i].name);
    if (S_ISDIR(n->mode)) {
      if (n->visiting) {
        free(child);
        continue;
      }
      rc = mkdir(child, n->mode & 07777);
      if (rc == 0) rc = write_back_dir(n, child);
      free(child);
      continue;
    }
    /* Another name of a node written in this pass, or a node unchanged since it was loaded,
     * becomes a hard link; everything else is written out. */
    const char *existing = n->written_to ? n->written_to : n->durable_edited ? NULL : n->src;
    if (!existing || link(existing, child) < 0) rc = write_all(child, n);
    if (rc == 0 && !n->written_to) n->written_to = xstrdup(child);
    if (rc < 0) perror(child);
    free(child);
  }
  d->visiting = false;
  return rc;
}

static int remove_entry_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* Replaces BACKING with the durable tree: written beside it, then swapped in by renames. */
static int write_back(const char *backing) {
  size_t len = strlen(backing) + 16;
  char *fresh = xrealloc(NULL, len), *old = xrealloc(NULL, len);
  snprintf(fresh, len, "%s.powerfs-new", backing);
  snprintf(old, len, "%s.powerfs-old", backing);
  nftw(fresh, remove_entry_cb, 16, FTW_DEPTH | FTW_PHYS);
  nftw(old, remove_entry_cb, 16, FTW_DEPTH | FTW_PHYS);
  int rc = mkdir(fresh, nodes[FUSE_ROOT_ID]->mode & 07777);
  if (rc == 0) rc = write_back_dir(nodes[FUSE_ROOT_ID], fresh);
  if (rc == 0) rc = rename(backing, old);
  if (rc == 0) rc = rename(fresh, backing);
  if (rc == 0) rc = nftw(old, remove_entry_cb, 16, FTW_DEPTH | FTW_PHYS);
  if (rc != 0) perror("powerfs: writing the durable state back");
  free(fresh);
  free(old);
  return rc;
}

static void sync_everything(void) {
  for (size_t i = 1; i < nnodes; i++) {
    struct node *n = nodes[i];
    if (S_ISDIR(n->mode)) dir_copy(&n->durable, &n->live);
    else sync_file(n);
  }
}

static void on_signal(int sig) {
  if (sig == SIGUSR1) cut_requested = 1;
  else stop_requested = 1;
  if (session) fuse_session_exit(session);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s BACKING MOUNTPOINT\n", argv[0]);
    return 2;
  }
  char backing[PATH_MAX];
  if (!realpath(argv[1], backing)) {
    perror(argv[1]);
    return 2;
  }
  struct stat root_st;
  if (stat(backing, &root_st) < 0 || !S_ISDIR(root_st.st_mode)) {
    fprintf(stderr, "powerfs: %s is not a directory\n", backing);
    return 2;
  }
  struct node *root = new_node(S_IFDIR | (root_st.st_mode & 07777));
  if (load_dir(root, backing) < 0) return 1;

  char *fuse_argv[] = {argv[0], "-o", "fsname=powerfs,subtype=powerfs", NULL};
  struct fuse_args args = FUSE_ARGS_INIT(3, fuse_argv);
  session = fuse_session_new(&args, &ops, sizeof ops, NULL);
  if (!session) return 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: the blocking read of /dev/fuse must return */
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  if (fuse_session_mount(session, argv[2]) != 0) return 1;
  printf("mounted %s\n", argv[2]);
  fflush(stdout);

  struct fuse_session *se = session;
  fuse_session_loop(se);
  session = NULL; /* repeated signals from the harness must not touch it any more */
  fuse_session_unmount(se);
  if (!cut_requested) sync_everything();
  int rc = write_back(backing);
  fuse_session_destroy(se);
  if (rc == 0) {
    printf("%s\n", cut_requested ? "power cut" : "synced");
    fflush(stdout);
  }
  return rc == 0 ? 0 : 1;
}
