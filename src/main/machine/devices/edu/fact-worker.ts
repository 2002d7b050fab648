/**
 * The edu factorial thread. It sleeps until the main thread sets COMPUTING (or asks it to stop),
 * computes, stores the result, clears COMPUTING, and only then looks at IRQFACT: if set, it asks the
 * main thread to raise the interrupt (QEMU's thread takes the big lock for that; we post a message).
 * It never touches anything else of the device. It must not import electron.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EduStatus } from '../../../../common/edu/datasheet';
import { FactCell, factorial, type FactDone } from './fact-shared';

const cells = new Int32Array((workerData as { shared: SharedArrayBuffer }).shared);
const port = parentPort;
if (!port) throw new Error('the factorial thread must run as a worker');

function stopping(): boolean {
  return Atomics.load(cells, FactCell.Stop) !== 0;
}

function waitForWork(): boolean {
  for (;;) {
    const seen = Atomics.load(cells, FactCell.Doorbell);
    if (stopping()) return false;
    if (Atomics.load(cells, FactCell.Status) & EduStatus.Computing) return true;
    Atomics.wait(cells, FactCell.Doorbell, seen);
  }
}

while (waitForWork()) {
  const delayMs = Atomics.load(cells, FactCell.DelayMs);
  if (delayMs > 0) {
    Atomics.wait(cells, FactCell.Stop, 0, Math.random() * delayMs);
    if (stopping()) break;
  }
  const n = Atomics.load(cells, FactCell.Value) >>> 0;
  const result = factorial(n);
  Atomics.store(cells, FactCell.Value, result | 0);
  Atomics.and(cells, FactCell.Status, ~EduStatus.Computing);
  const irq = (Atomics.load(cells, FactCell.Status) & EduStatus.IrqFact) !== 0;
  const done: FactDone = { n, result, irq };
  port.postMessage(done);
}
port.close();
