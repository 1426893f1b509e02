/**
 * FIX 4.4 tag numbers and code values the gateway and the acceptor use (the FIX 4.4
 * specification, volume 1 for the session layer, volumes 4 and 6 for orders).
 */
export const Tag = {
  Account: 1,
  AvgPx: 6,
  BeginSeqNo: 7,
  BeginString: 8,
  BodyLength: 9,
  CheckSum: 10,
  ClOrdID: 11,
  CumQty: 14,
  EndSeqNo: 16,
  ExecID: 17,
  ExecInst: 18,
  HandlInst: 21,
  SecurityIDSource: 22,
  LastPx: 31,
  LastQty: 32,
  MsgSeqNum: 34,
  MsgType: 35,
  NewSeqNo: 36,
  OrderID: 37,
  OrderQty: 38,
  OrdStatus: 39,
  OrdType: 40,
  OrigClOrdID: 41,
  PossDupFlag: 43,
  Price: 44,
  RefSeqNum: 45,
  SecurityID: 48,
  SenderCompID: 49,
  SendingTime: 52,
  Side: 54,
  Symbol: 55,
  TargetCompID: 56,
  Text: 58,
  TimeInForce: 59,
  TransactTime: 60,
  PossResend: 97,
  EncryptMethod: 98,
  StopPx: 99,
  CxlRejReason: 102,
  OrdRejReason: 103,
  HeartBtInt: 108,
  TestReqID: 112,
  GapFillFlag: 123,
  OrigSendingTime: 122,
  ExpireTime: 126,
  ResetSeqNumFlag: 141,
  LeavesQty: 151,
  ExecType: 150,
  RefTagID: 371,
  RefMsgType: 372,
  SessionRejectReason: 373,
  BusinessRejectRefID: 379,
  BusinessRejectReason: 380,
  CxlRejResponseTo: 434,
  Username: 553,
  Password: 554,
} as const;

/** MsgType (35) values of one character, as their character codes. */
export const MsgType = {
  HEARTBEAT: 0x30, // '0'
  TEST_REQUEST: 0x31, // '1'
  RESEND_REQUEST: 0x32, // '2'
  REJECT: 0x33, // '3'
  SEQUENCE_RESET: 0x34, // '4'
  LOGOUT: 0x35, // '5'
  EXECUTION_REPORT: 0x38, // '8'
  ORDER_CANCEL_REJECT: 0x39, // '9'
  LOGON: 0x41, // 'A'
  NEW_ORDER_SINGLE: 0x44, // 'D'
  ORDER_CANCEL_REQUEST: 0x46, // 'F'
  ORDER_CANCEL_REPLACE_REQUEST: 0x47, // 'G'
  ORDER_STATUS_REQUEST: 0x48, // 'H'
  BUSINESS_MESSAGE_REJECT: 0x6a, // 'j'
} as const;

/** Session-level message types (volume 2): never resent, gap-filled instead. */
export function isAdminMsgType(type: number): boolean {
  return type === MsgType.HEARTBEAT || type === MsgType.TEST_REQUEST || type === MsgType.RESEND_REQUEST || type === MsgType.REJECT || type === MsgType.SEQUENCE_RESET || type === MsgType.LOGOUT || type === MsgType.LOGON;
}

/** ExecType (150) codes, FIX 4.4. */
export const ExecTypeCode = {
  NEW: 0x30, // '0'
  DONE_FOR_DAY: 0x33, // '3'
  CANCELED: 0x34, // '4'
  REPLACED: 0x35, // '5'
  PENDING_CANCEL: 0x36, // '6'
  STOPPED: 0x37, // '7'
  REJECTED: 0x38, // '8'
  SUSPENDED: 0x39, // '9'
  PENDING_NEW: 0x41, // 'A'
  CALCULATED: 0x42, // 'B'
  EXPIRED: 0x43, // 'C'
  RESTATED: 0x44, // 'D'
  PENDING_REPLACE: 0x45, // 'E'
  TRADE: 0x46, // 'F'
  TRADE_CORRECT: 0x47, // 'G'
  TRADE_CANCEL: 0x48, // 'H'
  ORDER_STATUS: 0x49, // 'I'
  /** FIX 4.2's partial and full fill, still sent by some 4.4 venues. */
  PARTIAL_FILL_42: 0x31, // '1'
  FILL_42: 0x32, // '2'
} as const;

/** OrdStatus (39) codes. */
export const OrdStatusCode = {
  NEW: 0x30, // '0'
  PARTIALLY_FILLED: 0x31, // '1'
  FILLED: 0x32, // '2'
  DONE_FOR_DAY: 0x33, // '3'
  CANCELED: 0x34, // '4'
  PENDING_CANCEL: 0x36, // '6'
  STOPPED: 0x37, // '7'
  REJECTED: 0x38, // '8'
  SUSPENDED: 0x39, // '9'
  PENDING_NEW: 0x41, // 'A'
  CALCULATED: 0x42, // 'B'
  EXPIRED: 0x43, // 'C'
  ACCEPTED_FOR_BIDDING: 0x44, // 'D'
  PENDING_REPLACE: 0x45, // 'E'
} as const;

export const SOH = 0x01;
