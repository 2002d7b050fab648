/**
 * A desktop-app-like lab with a journal, killed by the test (test/lab/recovery.test.ts): it types a
 * command into the guest, says when the guest has printed it, then keeps running until killed.
 */
import { defaultUserland } from '../../src/main/guest/userland';
import { Lab } from '../../src/main/lab/lab';
import { LabService } from '../../src/main/lab/service';
import { testWorkers } from '../support/workers';

const dir = process.argv[2]!;
const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, journalDir: dir });
let said = false;
lab.guest.console.onOutput(() => {
  if (!said && lab.transcript.text().includes('before-the-crash\r\n')) {
    said = true;
    process.stdout.write(`printed ${lab.recorder.recorded}\n`);
  }
});
await new LabService(lab).call('consoleInput', ['echo before-the-crash\r']);
setInterval(() => {}, 1000);
