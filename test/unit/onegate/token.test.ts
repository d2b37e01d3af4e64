import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { makeToken, newTokenPassword, openToken, tokenMatches } from "../../../src/onegate/token.js";
import { TOKEN_PASSWORD } from "./world.js";

describe("OneGate token", () => {
  test("reproduces the reference's test vector", () => {
    // GIVEN the reference's TOKEN_PASSWORD and VM 42 started at 1700000000
    // WHEN the token is made THEN it is the one Ruby's OpenSSL and `openssl enc` give
    assert.equal(makeToken(TOKEN_PASSWORD, 42, 1_700_000_000), "AgTffmq/LyEbdncgHfYvfg==");
    assert.equal(openToken(TOKEN_PASSWORD, "AgTffmq/LyEbdncgHfYvfg=="), "42:1700000000");
  });

  test("matches only its own VM id and start time", () => {
    const token = makeToken(TOKEN_PASSWORD, 42, 1_700_000_000);
    assert.equal(tokenMatches(TOKEN_PASSWORD, token, 42, 1_700_000_000), true);
    assert.equal(tokenMatches(TOKEN_PASSWORD, token, 43, 1_700_000_000), false);
    assert.equal(tokenMatches(TOKEN_PASSWORD, token, 42, 1_700_000_001), false);
  });

  test("uses only the first 32 characters of TOKEN_PASSWORD as the key", () => {
    const token = makeToken(TOKEN_PASSWORD, 1, 2);
    assert.equal(openToken(`${TOKEN_PASSWORD.slice(0, 32)}something else`, token), "1:2");
  });

  test("refuses garbage, another owner's password and a short password without throwing", () => {
    // GIVEN a token made with one password
    const token = makeToken(TOKEN_PASSWORD, 1, 2);
    // WHEN opened with another password, or when it is not a token at all THEN nothing matches
    assert.equal(tokenMatches(newTokenPassword(), token, 1, 2), false);
    assert.equal(openToken(TOKEN_PASSWORD, "not a token"), undefined);
    assert.equal(openToken(TOKEN_PASSWORD, ""), undefined);
    assert.equal(openToken("short", token), undefined);
    assert.throws(() => makeToken("short", 1, 2), /at least 32 characters/);
  });

  test("new TOKEN_PASSWORDs look like oned's: 64 hex characters", () => {
    assert.match(newTokenPassword(), /^[0-9a-f]{64}$/);
  });
});
