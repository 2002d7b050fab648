import { defineMessages } from '../define';

export const logs = defineMessages({
  en: {
    filter: 'Filter',
    filterPlaceholder: 'Text to look for',
    device: 'Device log',
    dmesg: 'dmesg',
    all: 'All',
    empty: 'Nothing logged yet.',
    showOnTimeline: 'Show this moment on the timeline',
    channelGuestError: 'guest error',
    channelStdout: 'stdout',
    channelStderr: 'stderr',
  },
  'zh-CN': {
    filter: '筛选',
    filterPlaceholder: '要查找的文字',
    device: '设备日志',
    dmesg: 'dmesg',
    all: '全部',
    empty: '尚无日志。',
    showOnTimeline: '在时间线上显示这一时刻',
    channelGuestError: '客户机错误',
    channelStdout: '标准输出',
    channelStderr: '标准错误',
  },
});
