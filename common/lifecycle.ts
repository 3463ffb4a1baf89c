/**
 * Lifetimes, after VS Code's `lifecycle.ts`: anything that holds a listener, child
 * process, socket or editor model is an `IDisposable` and is registered with its owner.
 */
export interface IDisposable {
  dispose(): void;
}

/** Wraps a cleanup function as a disposable that runs at most once. */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** Owns a set of disposables and disposes them together, in reverse order of adding. */
export class DisposableStore implements IDisposable {
  private readonly items = new Set<IDisposable>();
  private disposed = false;

  /** Adds `item`; if the store is already disposed, disposes it at once so nothing leaks. */
  add<T extends IDisposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
      return item;
    }
    this.items.add(item);
    return item;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of [...this.items].reverse()) {
      try {
        item.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    this.items.clear();
    if (errors.length > 0) throw errors[0];
  }
}

/** Base class for objects that own disposables. */
export abstract class Disposable implements IDisposable {
  protected readonly store = new DisposableStore();

  protected register<T extends IDisposable>(item: T): T {
    return this.store.add(item);
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** A typed event emitter whose `on` returns a disposable, as VS Code's `Emitter`. */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<(value: T) => void>();

  /** Subscribes; dispose the result to unsubscribe. */
  readonly event = (listener: (value: T) => void): IDisposable => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
