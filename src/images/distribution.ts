import { CloudError } from "../errors.js";
import { MANIFEST_ACCEPT } from "./oci-layout.js";

/**
 * The few calls of the OCI distribution API a push and its check need: blob existence,
 * monolithic blob upload (POST, then PUT with the digest), manifest put and get. No auth yet:
 * the local cloud's registry has none; an operator's registry that asks for a token answers
 * 401, reported as such.
 */

export interface RegistryTarget {
  /** `host[:port]`. */
  readonly host: string;
  readonly scheme: "http" | "https";
}

export interface FetchedManifest {
  readonly mediaType: string;
  /** The registry's `Docker-Content-Digest` for it. */
  readonly digest: string | undefined;
  readonly body: Buffer;
}

export class RegistryClient {
  readonly base: string;

  constructor(target: RegistryTarget) {
    this.base = `${target.scheme}://${target.host}`;
  }

  async #call(
    operation: string,
    url: string,
    init: RequestInit,
    expect: readonly number[],
  ): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, redirect: "follow", signal: AbortSignal.timeout(300_000) });
    } catch (e) {
      const why = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
      throw new CloudError(operation, url, undefined, why, { cause: e });
    }
    if (!expect.includes(res.status)) throw new CloudError(operation, url, res.status, await res.text());
    return res;
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const url = `${this.base}/v2/${repository}/blobs/${digest}`;
    const res = await this.#call(`look for blob ${digest}`, url, { method: "HEAD" }, [200, 404]);
    return res.status === 200;
  }

  async uploadBlob(repository: string, digest: string, content: Buffer): Promise<void> {
    const start = `${this.base}/v2/${repository}/blobs/uploads/`;
    const res = await this.#call(`start the upload of blob ${digest}`, start, { method: "POST" }, [202]);
    await res.body?.cancel();
    const location = res.headers.get("location");
    if (!location) throw new CloudError(`upload blob ${digest}`, start, 202, "no Location header");
    const url = new URL(location, this.base);
    url.searchParams.set("digest", digest);
    const put = await this.#call(
      `upload blob ${digest}`,
      url.href,
      {
        method: "PUT",
        headers: { "content-type": "application/octet-stream", "content-length": String(content.length) },
        body: content,
      },
      [201],
    );
    await put.body?.cancel();
  }

  /** Puts a manifest under a tag or digest; returns the digest the registry computed. */
  async putManifest(
    repository: string,
    ref: string,
    mediaType: string,
    body: Buffer,
  ): Promise<string | undefined> {
    const url = `${this.base}/v2/${repository}/manifests/${ref}`;
    const res = await this.#call(
      `put manifest ${repository}:${ref}`,
      url,
      {
        method: "PUT",
        headers: { "content-type": mediaType },
        body,
      },
      [201],
    );
    await res.body?.cancel();
    return res.headers.get("docker-content-digest") ?? undefined;
  }

  /** Whether the registry holds `repository:ref` (a HEAD, as containerd resolves a reference). */
  async hasManifest(repository: string, ref: string): Promise<boolean> {
    const url = `${this.base}/v2/${repository}/manifests/${ref}`;
    const init = { method: "HEAD", headers: { accept: MANIFEST_ACCEPT } };
    const res = await this.#call(`look for manifest ${repository}:${ref}`, url, init, [200, 404]);
    return res.status === 200;
  }

  async getManifest(repository: string, ref: string): Promise<FetchedManifest> {
    const url = `${this.base}/v2/${repository}/manifests/${ref}`;
    const res = await this.#call(
      `get manifest ${repository}:${ref}`,
      url,
      { headers: { accept: MANIFEST_ACCEPT } },
      [200],
    );
    return {
      mediaType: res.headers.get("content-type") ?? "",
      digest: res.headers.get("docker-content-digest") ?? undefined,
      body: Buffer.from(await res.arrayBuffer()),
    };
  }
}
