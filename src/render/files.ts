/** What every renderer returns: files to write, never written by the renderer itself. */
export interface RenderedFile {
  /** Relative path, forward slashes, e.g. `keepalived/keepalived.conf`. */
  readonly path: string;
  readonly content: string;
  /** Octal file mode; 0o644 when absent. */
  readonly mode?: number;
}
