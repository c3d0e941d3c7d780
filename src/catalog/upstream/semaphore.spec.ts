import { Semaphore } from './semaphore.js';

/** A promise settled from outside, to hold a task open as long as a test needs. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every already-settled promise continuation run. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe(Semaphore.name, () => {
  it('runs up to `limit` tasks at once and holds back the rest', async () => {
    const semaphore = new Semaphore(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];

    const runs = gates.map((gate, i) =>
      semaphore.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);

    gates[0].resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);

    gates[1].resolve();
    gates[2].resolve();
    gates[3].resolve();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3]);
  });

  it('never has more than `limit` tasks running', async () => {
    const semaphore = new Semaphore(3);
    let running = 0;
    let peak = 0;

    const runs = Array.from({ length: 20 }, (_, i) =>
      semaphore.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
        running--;
      }),
    );

    await Promise.all(runs);
    expect(peak).toBe(3);
  });

  it('starts waiting tasks in the order they arrived', async () => {
    const semaphore = new Semaphore(1);
    const first = deferred();
    const started: string[] = [];

    const runs = [
      semaphore.run(async () => {
        started.push('first');
        await first.promise;
      }),
      ...['b', 'c', 'd', 'e'].map((name) =>
        semaphore.run(() => {
          started.push(name);
          return Promise.resolve();
        }),
      ),
    ];
    await flush();
    first.resolve();

    await Promise.all(runs);
    expect(started).toEqual(['first', 'b', 'c', 'd', 'e']);
  });

  it('does not let a newcomer overtake a task already waiting', async () => {
    const semaphore = new Semaphore(1);
    const first = deferred();
    const started: string[] = [];

    const running = semaphore.run(() => first.promise);
    const waiting = semaphore.run(() => {
      started.push('waiting');
      return Promise.resolve();
    });
    first.resolve();
    const newcomer = semaphore.run(() => {
      started.push('newcomer');
      return Promise.resolve();
    });

    await Promise.all([running, waiting, newcomer]);
    expect(started).toEqual(['waiting', 'newcomer']);
  });

  it('counts a task started from the queue as running', async () => {
    const semaphore = new Semaphore(1);
    const gates = [deferred(), deferred()];
    let running = 0;
    let peak = 0;
    const task = (gate: { promise: Promise<void> }) => async () => {
      running++;
      peak = Math.max(peak, running);
      await gate.promise;
      running--;
    };

    const first = semaphore.run(task(gates[0]));
    const queued = semaphore.run(task(gates[1]));
    gates[0].resolve();
    await flush();
    // The queued task now runs; a newcomer must wait for it.
    const newcomer = semaphore.run(task({ promise: Promise.resolve() }));
    await flush();
    gates[1].resolve();

    await Promise.all([first, queued, newcomer]);
    expect(peak).toBe(1);
  });

  it('passes on a task’s error and releases its slot', async () => {
    const semaphore = new Semaphore(1);
    const failure = new Error('upstream exploded');

    await expect(semaphore.run(() => Promise.reject(failure))).rejects.toBe(failure);
    await expect(semaphore.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('hands a failed task’s slot to the next waiter', async () => {
    const semaphore = new Semaphore(1);
    const gate = deferred();

    const failing = semaphore.run(async () => {
      await gate.promise;
      throw new Error('boom');
    });
    const waiting = semaphore.run(() => Promise.resolve('ran'));
    gate.resolve();

    await expect(failing).rejects.toThrow('boom');
    await expect(waiting).resolves.toBe('ran');
  });

  it('releases the slot of a task that throws synchronously', async () => {
    const semaphore = new Semaphore(1);

    await expect(
      semaphore.run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(semaphore.run(() => Promise.resolve(1))).resolves.toBe(1);
  });

  it('keeps the limit after failures', async () => {
    const semaphore = new Semaphore(2);
    for (let i = 0; i < 5; i++) {
      await expect(semaphore.run(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    }
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    const runs = gates.map((gate) =>
      semaphore.run(async () => {
        running++;
        await gate.promise;
      }),
    );
    await flush();

    expect(running).toBe(2);
    gates.forEach((gate) => gate.resolve());
    await Promise.all(runs);
  });
});
