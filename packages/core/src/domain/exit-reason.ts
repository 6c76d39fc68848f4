import { z } from 'zod';

export const exitReasonSchema = z.enum(['TAKE_PROFIT', 'STOP_LOSS', 'MANUAL', 'TIMEOUT']);
export type ExitReason = z.infer<typeof exitReasonSchema>;
