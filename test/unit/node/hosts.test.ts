import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hostsWith } from "../../../src/appliance/context/hostname.js";
import { hostsForNode } from "../../../src/node/hosts.js";

const BASE = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
const NAME = "onekube-ip-10-0-0-5";

describe("hostsForNode", () => {
  test("adds one tagged line for the node name, and a second run changes nothing", () => {
    const once = hostsForNode(BASE, NAME, "10.0.0.5");
    assert.equal(once, `${BASE}10.0.0.5\t${NAME} # onekube node\n`);
    assert.equal(hostsForNode(once, NAME, "10.0.0.5"), once);
  });

  test("replaces its own line when the address changes, keeps every other line", () => {
    const before = `${BASE}192.168.1.9\tbackup\n10.0.0.4\t${NAME} # onekube node\n`;
    assert.equal(
      hostsForNode(before, NAME, "10.0.0.5"),
      `${BASE}192.168.1.9\tbackup\n10.0.0.5\t${NAME} # onekube node\n`,
    );
  });

  test("adds nothing where contextualization's line already names the node", () => {
    const context = hostsWith(BASE, NAME, "10.0.0.5");
    assert.equal(hostsForNode(context, NAME, "10.0.0.5"), context);
    // and drops its own line once contextualization's covers the name
    assert.equal(hostsForNode(`${context}10.0.0.5\t${NAME} # onekube node\n`, NAME, "10.0.0.5"), context);
  });

  test("keeps its line beside contextualization's for another hostname (SET_HOSTNAME)", () => {
    const context = hostsWith(BASE, "db1", "10.0.0.5");
    const both = hostsForNode(context, NAME, "10.0.0.5");
    assert.equal(both, `${context}10.0.0.5\t${NAME} # onekube node\n`);
    // contextualization, run again at the next boot, keeps the agent's line
    assert.equal(hostsWith(both, "db1", "10.0.0.5"), both);
  });
});
