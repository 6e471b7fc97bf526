import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../bytes.ts';
import { E2eeError } from '../errors.ts';
import { createMlsEngine, type MlsGroup } from './engine.ts';
import { finder, keyPackageOf, makeDevice, memoryDirectory } from './test-devices.ts';

const code = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err instanceof E2eeError ? err.code : `not E2eeError: ${String(err)}`;
  }
  return 'resolved';
};

describe('MLS engine (ts-mls adapter)', () => {
  it('creates a group, adds two devices, exchanges messages with authenticated senders', async () => {
    const directory = memoryDirectory();
    const engine = createMlsEngine({ directory });
    const alice = await makeDevice(engine, directory, 'alice', 'a1');
    const bob = await makeDevice(engine, directory, 'bob', 'b1');
    const carol = await makeDevice(engine, directory, 'carol', 'c1');
    const g0 = await engine.createGroup(alice, 'conv1');
    expect(engine.epoch(g0)).toBe(0);
    const bobKp = await keyPackageOf(engine, bob);
    const carolKp = await keyPackageOf(engine, carol);
    const c = await engine.commit(g0, {
      add: [
        { ref: bob, keyPackage: bobKp.keyPackage },
        { ref: carol, keyPackage: carolKp.keyPackage },
      ],
    });
    expect(c.epoch).toBe(0);
    expect(c.welcome).not.toBeNull();
    let a = c.group;
    expect(engine.epoch(a)).toBe(1);
    let b = (await engine.join(c.welcome as Uint8Array, finder(bob))).group;
    let cc = (await engine.join(c.welcome as Uint8Array, finder(carol))).group;
    expect(
      engine
        .members(b)
        .map((m) => m.userId)
        .sort(),
    ).toEqual(['alice', 'bob', 'carol']);

    const sent = await engine.encrypt(a, utf8('hello'), utf8('tag'));
    a = sent.group;
    const atBob = await engine.process(b, sent.message);
    expect(atBob.kind).toBe('application');
    if (atBob.kind !== 'application') return;
    expect(fromUtf8(atBob.plaintext)).toBe('hello');
    expect(fromUtf8(atBob.aad)).toBe('tag');
    expect(atBob.sender).toMatchObject({ userId: 'alice', deviceId: 'a1' });
    b = atBob.group;

    const fromCarol = await engine.encrypt(cc, utf8('hi from carol'), new Uint8Array());
    cc = fromCarol.group;
    const r1 = await engine.process(a, fromCarol.message);
    const r2 = await engine.process(b, fromCarol.message);
    expect(r1.kind === 'application' && r1.sender.userId).toBe('carol');
    expect(r2.kind === 'application' && r2.sender.deviceId).toBe('c1');
    if (r2.kind === 'application') b = r2.group;

    // The same message again: a replay.
    expect(await code(engine.process(b, fromCarol.message))).toBe('replay');
  });

  it('removes a member, who cannot decrypt anything newer (also when one member is left)', async () => {
    const directory = memoryDirectory();
    const engine = createMlsEngine({ directory });
    const alice = await makeDevice(engine, directory, 'alice', 'a1');
    const bob = await makeDevice(engine, directory, 'bob', 'b1');
    const carol = await makeDevice(engine, directory, 'carol', 'c1');
    const c = await engine.commit(await engine.createGroup(alice, 'conv'), {
      add: [
        { ref: bob, keyPackage: (await keyPackageOf(engine, bob)).keyPackage },
        { ref: carol, keyPackage: (await keyPackageOf(engine, carol)).keyPackage },
      ],
    });
    const b = (await engine.join(c.welcome as Uint8Array, finder(bob))).group;
    const cg = (await engine.join(c.welcome as Uint8Array, finder(carol))).group;
    // Alice removes Bob; Carol stays.
    const removeBob = await engine.commit(c.group, { remove: [{ userId: 'bob', deviceId: 'b1' }] });
    // Bob cannot follow into the next epoch: every Remove carries an update path (patched ts-mls).
    expect(await code(engine.process(b, removeBob.commit))).toBe('not_member');
    const carolAfter = await engine.process(cg, removeBob.commit);
    const m1 = await engine.encrypt(removeBob.group, utf8('after bob left'), new Uint8Array());
    expect(await code(engine.process(b, m1.message))).toBe('unknown_epoch');
    const atCarol = await engine.process((carolAfter as { group: MlsGroup }).group, m1.message);
    expect(atCarol.kind === 'application' && fromUtf8(atCarol.plaintext)).toBe('after bob left');

    // Alice removes Carol too and is the last one left: Carol cannot derive the next epoch either
    // (ts-mls would use an all-zero commit secret there; the adapter adds a private PSK).
    const removeCarol = await engine.commit(removeBob.group, { remove: [{ userId: 'carol', deviceId: 'c1' }] });
    const carolGroup = (carolAfter as { group: MlsGroup }).group;
    expect(await code(engine.process(carolGroup, removeCarol.commit))).toBe('not_member');
    const m2 = await engine.encrypt(removeCarol.group, utf8('alone now'), new Uint8Array());
    expect(await code(engine.process(carolGroup, m2.message))).toBe('unknown_epoch');
  });

  it('two commits for one epoch: the loser processes the winner on its old state and re-issues', async () => {
    const directory = memoryDirectory();
    const engine = createMlsEngine({ directory });
    const alice = await makeDevice(engine, directory, 'alice', 'a1');
    const bob = await makeDevice(engine, directory, 'bob', 'b1');
    const carol = await makeDevice(engine, directory, 'carol', 'c1');
    const dave = await makeDevice(engine, directory, 'dave', 'd1');
    const c = await engine.commit(await engine.createGroup(alice, 'conv'), {
      add: [{ ref: bob, keyPackage: (await keyPackageOf(engine, bob)).keyPackage }],
    });
    const a1 = c.group;
    const b1 = (await engine.join(c.welcome as Uint8Array, finder(bob))).group;
    // Both add someone at epoch 1; the server accepts Alice's.
    const winner = await engine.commit(a1, {
      add: [{ ref: carol, keyPackage: (await keyPackageOf(engine, carol)).keyPackage }],
    });
    const loser = await engine.commit(b1, {
      add: [{ ref: dave, keyPackage: (await keyPackageOf(engine, dave)).keyPackage }],
    });
    expect(loser.epoch).toBe(winner.epoch);
    // Bob rebases from his pre-commit state (never the loser's result).
    const rebased = await engine.process(b1, winner.commit);
    expect(rebased.kind).toBe('commit');
    const b2 = (rebased as { group: MlsGroup }).group;
    const retry = await engine.commit(b2, {
      add: [{ ref: dave, keyPackage: (await keyPackageOf(engine, dave)).keyPackage }],
    });
    expect(retry.epoch).toBe(2);
    const a3 = await engine.process(winner.group, retry.commit);
    expect(a3.kind).toBe('commit');
    const d3 = (await engine.join(retry.welcome as Uint8Array, finder(dave))).group;
    const m = await engine.encrypt(d3, utf8('dave here'), new Uint8Array());
    const atAlice = await engine.process((a3 as { group: MlsGroup }).group, m.message);
    expect(atAlice.kind === 'application' && fromUtf8(atAlice.plaintext)).toBe('dave here');
    // An old-epoch commit is refused with a clear code.
    expect(await code(engine.process(retry.group, loser.commit))).toBe('stale_epoch');
  });

  it('refuses tampered ciphertext, foreign groups and unknown credentials', async () => {
    const directory = memoryDirectory();
    const engine = createMlsEngine({ directory });
    const alice = await makeDevice(engine, directory, 'alice', 'a1');
    const bob = await makeDevice(engine, directory, 'bob', 'b1');
    const c = await engine.commit(await engine.createGroup(alice, 'conv'), {
      add: [{ ref: bob, keyPackage: (await keyPackageOf(engine, bob)).keyPackage }],
    });
    const b = (await engine.join(c.welcome as Uint8Array, finder(bob))).group;
    const m = await engine.encrypt(c.group, utf8('x'.repeat(50)), new Uint8Array());
    const tampered = m.message.slice();
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] as number) ^ 1;
    expect(await code(engine.process(b, tampered))).toBe('tampered');
    // After a refused message the state still works.
    const ok = await engine.process(b, m.message);
    expect(ok.kind).toBe('application');
    expect(await code(engine.process(b, new Uint8Array([0, 1, 2, 3])))).toBe('malformed');

    // A device the directory does not know cannot be added.
    const strangerDirectory = memoryDirectory();
    const stranger = await makeDevice(
      createMlsEngine({ directory: strangerDirectory }),
      strangerDirectory,
      'eve',
      'e1',
    );
    const eveKp = await keyPackageOf(engine, stranger);
    expect(await code(engine.commit(c.group, { add: [{ ref: stranger, keyPackage: eveKp.keyPackage }] }))).toBe(
      'bad_credential',
    );
    // A KeyPackage presented as someone else's device is refused before any commit.
    expect(await code(engine.commit(c.group, { add: [{ ref: bob, keyPackage: eveKp.keyPackage }] }))).toBe(
      'bad_credential',
    );
  });

  it('a Welcome for a KeyPackage already used is refused', async () => {
    const directory = memoryDirectory();
    const engine = createMlsEngine({ directory });
    const alice = await makeDevice(engine, directory, 'alice', 'a1');
    const bob = await makeDevice(engine, directory, 'bob', 'b1');
    const kp = await keyPackageOf(engine, bob);
    const c = await engine.commit(await engine.createGroup(alice, 'conv'), {
      add: [{ ref: bob, keyPackage: kp.keyPackage }],
    });
    const joined = await engine.join(c.welcome as Uint8Array, finder(bob));
    expect(joined.keyPackageRef).toBe(kp.ref);
    bob.keyPackages.delete(joined.keyPackageRef);
    expect(await code(engine.join(c.welcome as Uint8Array, finder(bob)))).toBe('key_package_used');
  });

  it('encodes and restores state; the restored group keeps working', async () => {
    const directory = memoryDirectory();
    const engine = createMlsEngine({ directory });
    const alice = await makeDevice(engine, directory, 'alice', 'a1');
    const bob = await makeDevice(engine, directory, 'bob', 'b1');
    const c = await engine.commit(await engine.createGroup(alice, 'conv'), {
      add: [{ ref: bob, keyPackage: (await keyPackageOf(engine, bob)).keyPackage }],
    });
    const b = (await engine.join(c.welcome as Uint8Array, finder(bob))).group;
    const bytes = engine.encodeGroup(c.group);
    const restored = await engine.decodeGroup(bytes);
    expect(engine.epoch(restored)).toBe(1);
    const m = await engine.encrypt(restored, utf8('after restore'), new Uint8Array());
    const got = await engine.process(await engine.decodeGroup(engine.encodeGroup(b)), m.message);
    expect(got.kind === 'application' && fromUtf8(got.plaintext)).toBe('after restore');
    expect(await code(engine.decodeGroup(bytes.subarray(0, 40)))).toBe('state');
  });
});
