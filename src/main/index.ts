// The Electron entry point. Everything it does lives in the Electron host; this file stays one line.
import { startDesktopApp } from './hosts/electron/app';

void startDesktopApp();
