/** Session key of a channel conversation: channel:account:chat[:thread]. */
export function channelSessionKey(
  channel: string,
  accountId: string,
  chatId: string,
  threadId?: string,
): string {
  const parts = [channel, accountId, chatId];
  if (threadId) parts.push(threadId);
  return parts.map((p) => p.replaceAll(':', '%3A')).join(':');
}

export function parseChannelSessionKey(
  key: string,
): { channel: string; accountId: string; chatId: string; threadId?: string } | undefined {
  const parts = key.split(':').map((p) => p.replaceAll('%3A', ':'));
  if (parts.length < 3 || parts.length > 4 || parts.some((p) => !p)) return undefined;
  const [channel, accountId, chatId, threadId] = parts as [string, string, string, string?];
  return threadId ? { channel, accountId, chatId, threadId } : { channel, accountId, chatId };
}
