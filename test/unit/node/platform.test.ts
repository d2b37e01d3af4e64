import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nodePlatform, PLATFORM_ENV } from "../../../src/node/platform.js";

describe("nodePlatform", () => {
  it("on a real VM (nothing set): Kubernetes, Canal, no archives, no cgroup root", () => {
    const p = nodePlatform({});
    assert.deepEqual(p, { kubernetes: true, podNetwork: "canal", loopSeconds: 10 });
  });

  it("reads the local cloud's variables", () => {
    const p = nodePlatform({
      [PLATFORM_ENV.cgroupRoot]: "/onekube/x-1",
      [PLATFORM_ENV.imageArchives]: "/cache/images",
      [PLATFORM_ENV.podNetwork]: "bridge",
      [PLATFORM_ENV.addonsDir]: "/shared/upstream",
      [PLATFORM_ENV.loopSeconds]: "2",
    });
    assert.equal(p.cgroupRoot, "/onekube/x-1");
    assert.equal(p.podNetwork, "bridge");
    assert.equal(p.loopSeconds, 2);
    assert.equal(nodePlatform({ [PLATFORM_ENV.runtime]: "none" }).kubernetes, false);
    assert.equal(nodePlatform({ [PLATFORM_ENV.podNetwork]: "flannel" }).podNetwork, "flannel");
  });

  it("names the variable and the value it refuses", () => {
    assert.throws(
      () => nodePlatform({ [PLATFORM_ENV.podNetwork]: "calico" }),
      /ONEKUBE_POD_NETWORK="calico": expected canal, bridge or flannel/,
    );
    assert.throws(() => nodePlatform({ [PLATFORM_ENV.loopSeconds]: "0" }), /ONEKUBE_LOOP_SECONDS="0"/);
  });
});
