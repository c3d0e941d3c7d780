import { SingleFlight } from './single-flight.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe(SingleFlight.name, () => {
  it('runs concurrent calls with one key once and gives all of them the result', async () => {
    const flights = new SingleFlight();
    const upstream = deferred<string>();
    let calls = 0;
    const work = () => {
      calls++;
      return upstream.promise;
    };

    const waiters = Array.from({ length: 5 }, () => flights.run('key', work));
    upstream.resolve('answer');

    await expect(Promise.all(waiters)).resolves.toEqual(Array(5).fill('answer'));
    expect(calls).toBe(1);
  });

  it('gives every waiter the shared error', async () => {
    const flights = new SingleFlight();
    const upstream = deferred<string>();
    const failure = new Error('upstream down');
    let calls = 0;
    const work = () => {
      calls++;
      return upstream.promise;
    };

    const first = flights.run('key', work);
    const second = flights.run('key', work);
    upstream.reject(failure);

    await expect(first).rejects.toBe(failure);
    await expect(second).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it('runs different keys separately', async () => {
    const flights = new SingleFlight();
    let calls = 0;
    const work = (value: string) => () => {
      calls++;
      return Promise.resolve(value);
    };

    const results = [flights.run('a', work('A')), flights.run('b', work('B'))];

    await expect(Promise.all(results)).resolves.toEqual(['A', 'B']);
    expect(calls).toBe(2);
  });

  it('starts a new flight for a call made after the last one succeeded', async () => {
    const flights = new SingleFlight();
    let calls = 0;
    const work = () => Promise.resolve(++calls);

    await expect(flights.run('key', work)).resolves.toBe(1);
    await expect(flights.run('key', work)).resolves.toBe(2);
  });

  it('starts a new flight for a call made after the last one failed', async () => {
    const flights = new SingleFlight();
    let calls = 0;
    const work = () => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('first fails')) : Promise.resolve('second');
    };

    await expect(flights.run('key', work)).rejects.toThrow('first fails');
    await expect(flights.run('key', work)).resolves.toBe('second');
    expect(calls).toBe(2);
  });
});
