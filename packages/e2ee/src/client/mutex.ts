/** Runs one task at a time per key; tasks for other keys run concurrently. Never nest on one key. */
export function createKeyedMutex() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
export type KeyedMutex = ReturnType<typeof createKeyedMutex>;
