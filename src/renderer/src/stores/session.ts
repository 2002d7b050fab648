import { defineStore } from 'pinia';
import { ref } from 'vue';
import { toLabError } from '../../../common/api/lab-api';
import type { ReplayInfo } from '../../../common/api/session';
import { uploadSession, type SessionFile } from '../components/session/upload';
import { t } from '../i18n';
import { useLab } from './lab';
import { useNotifications } from './notifications';

/** Opening and exporting sessions from this window: the export dialog, and an upload in progress. */
export const useSession = defineStore('session', () => {
  const exportOpen = ref(false);
  /** The range the export dialog starts with. */
  const exportRange = ref<'all' | 'cursors' | 'view'>('all');
  /** The file being sent to the lab, and how far (0..1). */
  const upload = ref<{ name: string; fraction: number } | null>(null);

  /** Replay a session file the user picked or dropped. Errors (with the file's line) become a notice. */
  async function openFile(file: SessionFile): Promise<ReplayInfo | undefined> {
    const lab = useLab();
    const api = lab.api;
    if (!api || upload.value) return undefined;
    upload.value = { name: file.name, fraction: 0 };
    try {
      const info = await uploadSession(api, file, (fraction) => (upload.value = { name: file.name, fraction }));
      useNotifications().show('info', t('session.opened', { name: info.name }));
      return info;
    } catch (error) {
      useNotifications().show('error', `${t('app.errorTitle')}: ${toLabError(error).message}`);
      return undefined;
    } finally {
      upload.value = null;
    }
  }

  /** Open the export dialog, starting with `range` selected. */
  function openExport(range: 'all' | 'cursors' | 'view' = 'all'): void {
    exportRange.value = range;
    exportOpen.value = true;
  }

  return { exportOpen, exportRange, upload, openFile, openExport };
});
