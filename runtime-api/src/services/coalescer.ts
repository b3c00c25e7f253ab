// Group commit for the online path: concurrent requests' reads (or writes) wait while `maxInFlight`
// statements run and then go together in one statement. Nothing waits on a timer: with nothing in flight a
// request goes at once (after the current turn of the event loop, so requests parsed together join).

export interface CoalescerLimits {
  /** Items one statement takes at most. */
  maxBatch: number;
  /** Statements of this kind running at once (each on its own connection). */
  maxInFlight: number;
}

/** The online path's: events per read or write statement, and such statements at once (README: limits). */
export const ONLINE_BATCH: CoalescerLimits = { maxBatch: 100, maxInFlight: 2 };

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * `run` gets a batch and answers one result per item, in order: a value, or an Error for that item
 * alone. A thrown error fails the whole batch.
 */
export class Coalescer<I, O> {
  readonly #queue: Waiting<I, O>[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<(O | Error)[]>,
    private readonly limits: CoalescerLimits,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.limits.maxInFlight || this.#queue.length === 0)
      return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#inFlight < this.limits.maxInFlight && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.limits.maxBatch);
      this.#inFlight++;
      void this.#runBatch(batch).finally(() => {
        this.#inFlight--;
        this.#schedule();
      });
    }
  }

  async #runBatch(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await this.run(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const result = results[i];
        if (result instanceof Error) w.reject(result);
        else w.resolve(result as O);
      });
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }
}
