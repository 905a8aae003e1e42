// SPDX-License-Identifier: MIT
// Where things live inside the container (spec 20 §8.1). Everything hangs off
// one root so tests can run the real runner against a temporary directory.
import path from 'node:path';

export interface WorkspacePaths {
  root: string;
  groupDir: string;
  conversationsDir: string;
  globalClaudeMd: string;
  extraDir: string;
  ipcDir: string;
  inputDir: string;
  closeSentinel: string;
}

export const DEFAULT_WORKSPACE_ROOT = '/workspace';

export function workspacePaths(root: string = DEFAULT_WORKSPACE_ROOT): WorkspacePaths {
  const ipcDir = path.join(root, 'ipc');
  const inputDir = path.join(ipcDir, 'input');
  return {
    root,
    groupDir: path.join(root, 'group'),
    conversationsDir: path.join(root, 'group', 'conversations'),
    globalClaudeMd: path.join(root, 'global', 'CLAUDE.md'),
    extraDir: path.join(root, 'extra'),
    ipcDir,
    inputDir,
    closeSentinel: path.join(inputDir, '_close'),
  };
}
