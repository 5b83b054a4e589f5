/** The interceptors of a client, in the order added; each comes with its own removal. */
export class Interceptors<T> {
  private readonly list: T[] = [];

  add(interceptor: T): () => void {
    this.list.push(interceptor);
    return () => {
      const at = this.list.indexOf(interceptor);
      if (at >= 0) this.list.splice(at, 1);
    };
  }

  /** Wraps `last` in every interceptor, the first added outermost. */
  around<Call>(last: Call, wrap: (interceptor: T, next: Call) => Call): Call {
    return this.list.reduceRight(((next: Call, interceptor: T) => wrap(interceptor, next)), last);
  }
}
