import { equalBytes } from '../bytes.ts';
import type { DeviceRef } from './credential.ts';
import type { DeviceDirectory, KeyPackageBundle, LocalDevice, MlsEngine } from './engine.ts';

/** A directory held in memory: the test's stand-in for the server's device list. */
export function memoryDirectory(): DeviceDirectory & { add(d: LocalDevice): void; devices: LocalDevice[] } {
  const devices: LocalDevice[] = [];
  return {
    devices,
    add: (d) => devices.push(d),
    verify: async (ref: DeviceRef, key: Uint8Array) =>
      devices.some(
        (d) => d.userId === ref.userId && d.deviceId === ref.deviceId && equalBytes(d.signaturePublicKey, key),
      ),
  };
}

export type TestDevice = LocalDevice & { keyPackages: Map<string, KeyPackageBundle> };

export async function makeDevice(
  engine: MlsEngine,
  directory: ReturnType<typeof memoryDirectory>,
  userId: string,
  deviceId: string,
): Promise<TestDevice> {
  const keys = await engine.generateSignatureKeyPair();
  const d: TestDevice = {
    userId,
    deviceId,
    signaturePublicKey: keys.publicKey,
    signaturePrivateKey: keys.privateKey,
    keyPackages: new Map(),
  };
  directory.add(d);
  return d;
}

export async function keyPackageOf(engine: MlsEngine, d: TestDevice): Promise<KeyPackageBundle> {
  const kp = await engine.createKeyPackage(d);
  d.keyPackages.set(kp.ref, kp);
  return kp;
}

export const finder = (d: TestDevice) => async (ref: string) => d.keyPackages.get(ref)?.privateKeys ?? null;
