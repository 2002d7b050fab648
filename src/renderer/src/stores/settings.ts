import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

export type Theme = 'dark' | 'light';

const KEY = 'edu-lab.settings';

interface Saved {
  theme?: Theme;
  panes?: Record<string, number>;
}

function load(): Saved {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Saved;
  } catch {
    return {};
  }
}

/** What the window remembers between runs: theme and pane sizes. */
export const useSettings = defineStore('settings', () => {
  const saved = load();
  const prefersLight = typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: light)').matches;
  const theme = ref<Theme>(saved.theme === 'light' || saved.theme === 'dark' ? saved.theme : prefersLight ? 'light' : 'dark');
  const panes = ref<Record<string, number>>(typeof saved.panes === 'object' && saved.panes ? { ...saved.panes } : {});

  function toggleTheme(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark';
  }

  function paneSize(id: string, fallback: number): number {
    const v = panes.value[id];
    return typeof v === 'number' && v >= 5 && v <= 95 ? v : fallback;
  }

  function setPaneSize(id: string, percent: number): void {
    panes.value = { ...panes.value, [id]: Math.round(percent * 10) / 10 };
  }

  watch(
    [theme, panes],
    () => {
      try {
        localStorage.setItem(KEY, JSON.stringify({ theme: theme.value, panes: panes.value }));
      } catch {
        // not remembered
      }
    },
    { deep: true },
  );

  return { theme, panes, toggleTheme, paneSize, setPaneSize };
});
