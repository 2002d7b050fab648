import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface Notice {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly text: string;
}

const SHOW_MS = 6000;

/** Short messages at the corner of the window: what the lab refused, and why. */
export const useNotifications = defineStore('notifications', () => {
  const notices = ref<Notice[]>([]);
  let nextId = 1;

  function show(kind: Notice['kind'], text: string): void {
    const notice = { id: nextId++, kind, text };
    notices.value = [...notices.value.slice(-4), notice];
    setTimeout(() => dismiss(notice.id), SHOW_MS);
  }

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id);
  }

  return { notices, show, dismiss };
});
