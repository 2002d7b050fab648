import { defineStore } from 'pinia';
import { ref } from 'vue';

export type Dialog = 'help' | 'about' | null;

/** Window-level UI state that several views touch: the open dialog, the tab shown beside the console. */
export const useUi = defineStore('ui', () => {
  const dialog = ref<Dialog>(null);
  const sideTab = ref<'registers' | 'config' | 'dma' | 'logs' | 'lessons'>('registers');
  /** A moment the timeline should bring into view (from a log line, say). */
  const timelineFocus = ref<{ vns: number; at: number } | null>(null);
  /** Bumped to open the file picker for a session (File > Open in a browser window). */
  const pickSessionFile = ref(0);

  function showOnTimeline(vns: number): void {
    timelineFocus.value = { vns, at: Date.now() };
  }

  return { dialog, sideTab, timelineFocus, pickSessionFile, showOnTimeline };
});
