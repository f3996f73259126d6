export interface BatchProcessorConfig {
  /** Records that trigger a send regardless of the timeout. */
  send_batch_size: number;
  /** Upper bound of one sent batch; 0 = no bound. Larger inputs are split. */
  send_batch_max_size: number;
  /** Longest a record waits before its batch is sent. */
  timeout: string | number;
}

export function createDefaultBatchConfig(): BatchProcessorConfig {
  return { send_batch_size: 8192, send_batch_max_size: 0, timeout: '200ms' };
}
