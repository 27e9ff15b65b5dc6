"""Transactions: an ephemeral hidden branch that is committed, merged back and deleted."""

import pytest
from helpers import put
from lakefs.exceptions import ConflictException, TransactionException


def tx_branches(repo):
    return [b.id for b in repo.branches(show_hidden=True) if b.id.startswith("tx-")]


def test_successful_transaction(repo):
    main = repo.branch("main")
    put(main, "old.txt", b"old")
    main.commit("base")
    with main.transact(commit_message="tx work", commit_metadata={"who": "interop"}) as tx:
        assert tx.id.startswith("tx-") and tx.source_id == "main"
        assert tx.id not in [b.id for b in repo.branches()]  # hidden
        assert tx.id in tx_branches(repo)
        tx.object("old.txt").delete()
        tx.object("new.txt").upload(data=b"new")
        assert not main.object("new.txt").exists(), "nothing lands before the block ends"
    log = list(main.log(max_amount=2))
    assert log[0].message == f"Merge transaction {tx.id} to branch"
    assert log[1].message == "tx work"
    assert log[1].metadata == {"who": "interop"}
    assert main.object("new.txt").reader().read() == b"new"
    assert not main.object("old.txt").exists()
    assert tx_branches(repo) == []


def test_transaction_with_tag(repo):
    main = repo.branch("main")
    with main.transact(commit_message="tagged", tag="tx-tag") as tx:
        tx.object("f").upload(data=b"f")
    assert repo.tag("tx-tag").get_commit().id == main.head.id


def test_failed_block_leaves_nothing(repo):
    main = repo.branch("main")
    head = main.head.id
    with pytest.raises(RuntimeError, match="boom"):
        with main.transact(commit_message="fails") as tx:
            tx.object("partial.txt").upload(data=b"p")
            raise RuntimeError("boom")
    assert main.head.id == head
    assert not main.object("partial.txt").exists()
    assert tx_branches(repo) == []


def test_failed_block_can_keep_branch(repo):
    main = repo.branch("main")
    with pytest.raises(RuntimeError):
        with main.transact(delete_branch_on_error=False) as tx:
            tx.object("kept.txt").upload(data=b"k")
            raise RuntimeError("keep it")
    assert tx_branches(repo) == [tx.id]
    assert repo.branch(tx.id).object("kept.txt").exists()


def test_empty_transaction_fails_with_no_changes(repo):
    main = repo.branch("main")
    with pytest.raises(TransactionException, match="no changes"):
        with main.transact(commit_message="empty"):
            pass
    assert tx_branches(repo) == []


def test_transaction_on_dirty_source_fails(repo):
    main = repo.branch("main")
    put(main, "dirty.txt", b"uncommitted")
    with pytest.raises(TransactionException, match="dirty branch"):
        with main.transact(commit_message="x") as tx:
            tx.object("f").upload(data=b"f")
    assert tx_branches(repo) == []


def test_transaction_conflicting_with_concurrent_change(repo):
    main = repo.branch("main")
    put(main, "c.txt", b"base")
    main.commit("base")
    with pytest.raises(TransactionException, match="(?i)conflict"):
        with main.transact(commit_message="x") as tx:
            tx.object("c.txt").upload(data=b"tx")
            put(main, "c.txt", b"concurrent")
            main.commit("concurrent")
    assert main.object("c.txt").reader().read() == b"concurrent"


def test_existing_tag_is_a_plain_conflict_after_merge(repo):
    main = repo.branch("main")
    repo.tag("taken").create("main")
    with pytest.raises(ConflictException):
        with main.transact(commit_message="m", tag="taken") as tx:
            tx.object("f").upload(data=b"f")
    assert main.object("f").exists(), "the SDK tags after the merge, so the merge has landed"


def test_transaction_handle_reads_and_settable_message(repo):
    main = repo.branch("main")
    put(main, "seen.txt", b"s")
    main.commit("base")
    with main.transact(commit_message="initial") as tx:
        assert [o.path for o in tx.objects()] == ["seen.txt"]
        assert tx.get_commit().id == main.head.id
        tx.object("added.txt").upload(data=b"a")
        assert [(c.path, c.type) for c in tx.uncommitted()] == [("added.txt", "added")]
        tx.commit_message = "changed inside"
        tx.commit_metadata = {"set": "late"}
    user_commit = list(main.log(max_amount=2))[1]
    assert (user_commit.message, user_commit.metadata) == ("changed inside", {"set": "late"})
