/**
 * Console output on its way to the terminal: the stream router pushes text, the console pane writes it
 * to xterm. A snapshot replaces the whole screen (a reload, a resync, a new session).
 */
type TextListener = (text: string) => void;

const outputListeners = new Set<TextListener>();
const resetListeners = new Set<TextListener>();
let transcript = '';
const TRANSCRIPT_LIMIT = 256 * 1024;

export const consoleBus = {
  output(text: string): void {
    transcript = (transcript + text).slice(-TRANSCRIPT_LIMIT);
    for (const l of outputListeners) l(text);
  },
  reset(text: string): void {
    transcript = text.slice(-TRANSCRIPT_LIMIT);
    for (const l of resetListeners) l(transcript);
  },
  /** Everything so far (for a terminal created after output arrived). */
  transcript(): string {
    return transcript;
  },
  onOutput(listener: TextListener): () => void {
    outputListeners.add(listener);
    return () => outputListeners.delete(listener);
  },
  onReset(listener: TextListener): () => void {
    resetListeners.add(listener);
    return () => resetListeners.delete(listener);
  },
};
