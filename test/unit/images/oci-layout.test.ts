import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  blobPath,
  childrenOf,
  digestOfPath,
  MEDIA,
  parseBundleManifest,
} from "../../../src/images/oci-layout.js";

const D = `sha256:${"a".repeat(64)}`;
const E = `sha256:${"b".repeat(64)}`;

describe("OCI layout names", () => {
  test("only blobs/sha256/<64 hex> is a blob; anything else is not", () => {
    assert.equal(digestOfPath(blobPath(D)), D);
    for (const bad of [
      "blobs/sha256/../index.json",
      `blobs/sha512/${"a".repeat(64)}`,
      "blobs/sha256/ABC",
      "index.json",
    ])
      assert.equal(digestOfPath(bad), undefined, bad);
  });

  test("an image manifest's children are its config and layers, in order", () => {
    const manifest = JSON.stringify({
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: D, size: 2 },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: E, size: 3 }],
    });
    assert.deepEqual(
      childrenOf(MEDIA.ociManifest, manifest, "m").map((c) => c.digest),
      [D, E],
    );
    assert.throws(() => childrenOf(MEDIA.ociManifest, "{}", "m"), /m: an image manifest without layers/);
  });

  test("the bundle manifest is refused unless every digest is a sha256 digest", () => {
    const good = {
      format: "onekube-bundle/v1",
      images: [{ reference: "r/x:1", digest: D, mediaType: MEDIA.ociManifest, size: 1, blobs: [E] }],
    };
    assert.equal(parseBundleManifest(JSON.stringify(good)).images.length, 1);
    const bad = { ...good, images: [{ ...good.images[0], blobs: ["sha256:zz"] }] };
    assert.throws(() => parseBundleManifest(JSON.stringify(bad)), /a bad entry/);
    assert.throws(() => parseBundleManifest("{}"), /not a onekube-bundle\/v1 manifest/);
  });
});
