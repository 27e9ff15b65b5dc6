/** Markdown to sanitised HTML (loaded only when a Markdown object is previewed). */
import DOMPurify from "dompurify";
import { marked } from "marked";

export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false, gfm: true });
  // Objects are untrusted input: no scripts, handlers, forms or frames survive.
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}
