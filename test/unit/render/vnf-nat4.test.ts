import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderNat4 } from "../../../src/render/vnf-nat4.js";
import { assertGolden } from "../../helpers/golden.js";

const rules = (listing: string): string[] =>
  listing
    .split("\n")
    .filter((l) => l.startsWith("\t\t") && !l.includes("hook"))
    .map((l) => l.trim());

describe("renderNat4", () => {
  test("OneKE's eth0: one table, one postrouting nat chain, masquerade out of eth0", () => {
    // GIVEN NAT4 towards eth0 on a two-NIC VNF WHEN rendered
    const table = renderNat4({ interfacesOut: ["eth0"], nics: ["eth0", "eth1"] });
    // THEN the script replaces our table atomically and matches its golden copy
    assert.equal(table.file.path, "vnf/nat4.nft");
    assertGolden("vnf/nat4-eth0.nft", table.file.content);
    assert.equal(table.name, "onekube_nat4");
    // AND the script declares, deletes, then recreates the table, whose body is the listing
    const lines = table.file.content.split("\n");
    const declare = lines.indexOf("table ip onekube_nat4");
    assert.equal(lines[declare + 1], "delete table ip onekube_nat4");
    assert.ok(table.file.content.endsWith(table.listing));
    // AND only eth0 is masqueraded, in a source-NAT postrouting hook
    assert.match(table.listing, /type nat hook postrouting priority srcnat; policy accept;/);
    assert.deepEqual(rules(table.listing), ['oifname "eth0" masquerade']);
  });

  test("several outward NICs: one masquerade rule each, duplicates dropped", () => {
    // GIVEN eth0 twice and eth2 WHEN rendered
    const table = renderNat4({ interfacesOut: ["eth0", "eth2", "eth0"], nics: ["eth0", "eth1", "eth2"] });
    // THEN each is masqueraded once, in order
    assert.deepEqual(rules(table.listing), ['oifname "eth0" masquerade', 'oifname "eth2" masquerade']);
  });

  test("an empty list means every NIC of the VM, as in the VRouter", () => {
    // GIVEN no outward list WHEN rendered
    const table = renderNat4({ interfacesOut: [], nics: ["eth0", "eth1"] });
    // THEN every NIC is masqueraded
    assertGolden("vnf/nat4-all.nft", table.file.content);
    assert.deepEqual(rules(table.listing), ['oifname "eth0" masquerade', 'oifname "eth1" masquerade']);
  });

  test("refuses a name nft would read as syntax, and no interface at all", () => {
    // GIVEN a quoted name, then nothing WHEN rendered THEN the renderer throws, naming the field
    assert.throws(() => renderNat4({ interfacesOut: ['eth0" accept'], nics: [] }), /interfacesOut\[0\]/);
    assert.throws(() => renderNat4({ interfacesOut: [], nics: [] }), /no outward interface/);
  });
});
