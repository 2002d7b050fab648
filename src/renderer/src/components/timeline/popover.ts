import { onBeforeUnmount, ref, watch, type Ref } from 'vue';

/**
 * A drop-down's open state: closes on a press outside `root` and on Escape (focus goes back to the
 * button that opened it).
 */
export function usePopover(root: Ref<HTMLElement | undefined>) {
  const open = ref(false);

  const onDown = (e: Event): void => {
    if (root.value && !root.value.contains(e.target as Node)) open.value = false;
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape') return;
    open.value = false;
    root.value?.querySelector<HTMLElement>('[aria-haspopup]')?.focus();
  };

  watch(open, (on) => {
    if (on) {
      document.addEventListener('pointerdown', onDown, true);
      document.addEventListener('keydown', onKey, true);
    } else {
      document.removeEventListener('pointerdown', onDown, true);
      document.removeEventListener('keydown', onKey, true);
    }
  });
  onBeforeUnmount(() => {
    open.value = false;
    document.removeEventListener('pointerdown', onDown, true);
    document.removeEventListener('keydown', onKey, true);
  });

  return { open, toggle: () => (open.value = !open.value), close: () => (open.value = false) };
}
