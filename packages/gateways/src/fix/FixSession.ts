import { FixFramer, Framed } from './FixFramer.js';
import { FixMessage } from './FixMessage.js';
import { FixResender } from './FixResender.js';
import type { FixStore } from './FixStore.js';
import { isAdminMsgType, MsgType, Tag } from './FixTags.js';
import { asciiBytes, fixFields, FixWriter } from './FixWriter.js';

export interface FixSessionOptions {
  /** Default 'FIX.4.4'. */
  beginString?: string;
  senderCompId: string;
  targetCompId: string;
  /** 'initiator' sends the Logon; 'acceptor' answers one. */
  role: 'initiator' | 'acceptor';
  /** HeartBtInt (108), seconds (default 30). An acceptor takes the initiator's. */
  heartbeatSeconds?: number;
  /** Send ResetSeqNumFlag (141) = Y on Logon: both sides start again at 1. */
  resetOnLogon?: boolean;
  /** Username (553) and Password (554) on Logon, for venues that want them. Never logged. */
  username?: string;
  password?: string;
  /** An acceptor's check of a Logon's credentials (default: any). */
  authenticate?: (username: string | undefined, password: string | undefined) => boolean;
  /** Bound on waiting for the peer's Logon after connecting (default 10 s). */
  logonTimeoutMs?: number;
  /** Bound on waiting for the peer's Logout after ours (default 2 s). */
  logoutTimeoutMs?: number;
  /** SendingTime further than this from our clock is rejected (default 120 s; 0: not checked). */
  maxLatencyMs?: number;
  maxMessageBytes?: number;
}

/** What the session needs from its owner: a transport, and a place for what it receives. */
export interface FixSessionHandler {
  /** Put bytes on the wire. */
  write(buf: Uint8Array, from: number, to: number): void;
  /** End the connection (the session ended or must end); called once per connection. */
  close(reason: string): void;
  /** Logged on: application messages may be sent. */
  onLogon(): void;
  /**
   * An application message, in sequence; or, with `possDup`, one the peer sent again that
   * was already received (delivered only at or above `FixSession.replayFrom`).
   */
  onApplication(msg: FixMessage, possDup: boolean): void;
  /** The peer refused one of our messages at session level (Reject, 3): its RefSeqNum (45). */
  onSessionReject(refSeqNum: number, msg: FixMessage): void;
}

export const SessionState = { DISCONNECTED: 0, AWAIT_LOGON: 1, ACTIVE: 2, LOGOUT_SENT: 3 } as const;

/** SessionRejectReason (373) values this session sends. */
const REJECT_VALUE_INCORRECT = 5;
const REJECT_COMP_ID = 9;
const REJECT_SENDING_TIME = 10;

/**
 * The FIX session layer (FIX 4.4 volume 2, as QuickFIX implements it), independent of the
 * transport: bytes in through `receive`, bytes out through the handler, time through
 * `tick`. It logs on and out, sends Heartbeats when quiet and a TestRequest when the peer
 * is, ends a connection whose peer stays silent, detects gaps in the peer's sequence and
 * asks for a resend (ResendRequest, once per gap), answers the peer's ResendRequest from
 * the store (FixResender), applies SequenceReset in both modes, ends the session on a
 * MsgSeqNum lower than expected without PossDupFlag, and rejects wrong CompIDs and stale
 * SendingTimes. Garbled messages are dropped and counted by the framer, never fatal.
 *
 * Application messages: `begin(msgType)` returns the writer with the header written,
 * the caller adds its fields, `commit()` stores and sends. No allocation on that path.
 */
export class FixSession {
  state: number = SessionState.DISCONNECTED;
  /** PossDup application messages at or above this number are delivered (reconciliation); Infinity: none. */
  replayFrom = Infinity;
  readonly framer: FixFramer;
  readonly resender: FixResender;
  readonly stats = { received: 0, sent: 0, resendRequests: 0, rejectsSent: 0, handlerErrors: 0, heartbeats: 0, testRequests: 0 };
  /** Why the last connection ended. */
  lastCloseReason = '';
  heartbeatMs: number;
  private readonly app: FixWriter;
  private readonly admin: FixWriter;
  private readonly msg = new FixMessage();
  private readonly beginBytes: Uint8Array;
  private readonly sender: Uint8Array;
  private readonly target: Uint8Array;
  /** SenderCompID (49) and TargetCompID (56) as whole fields: every header copies them in one go. */
  private readonly compIds: Uint8Array;
  private nowMs = 0;
  private connectedAt = 0;
  private lastSentMs = 0;
  private lastReceivedMs = 0;
  private testRequestAt = 0;
  private testRequestId = 0;
  private logoutAt = 0;
  private resendFrom = 0; // the gap start of our outstanding ResendRequest (0: none)
  private resendAt = 0;
  private appSeq = 0; // the number `begin` gave the message being built
  private resetSent = false; // our Logon asked for a reset
  private lastAnswered = 0; // the highest TestReqID of ours a Heartbeat answered

  constructor(readonly options: FixSessionOptions, readonly store: FixStore, private readonly handler: FixSessionHandler) {
    const begin = options.beginString ?? 'FIX.4.4';
    this.beginBytes = asciiBytes(begin, 'BeginString');
    this.sender = asciiBytes(options.senderCompId, 'SenderCompID');
    this.target = asciiBytes(options.targetCompId, 'TargetCompID');
    this.compIds = fixFields([
      [Tag.SenderCompID, options.senderCompId],
      [Tag.TargetCompID, options.targetCompId],
    ]);
    this.heartbeatMs = (options.heartbeatSeconds ?? 30) * 1_000;
    this.app = new FixWriter(begin, options.maxMessageBytes ?? 16_384);
    this.admin = new FixWriter(begin, options.maxMessageBytes ?? 16_384);
    this.framer = new FixFramer(options.maxMessageBytes ?? 65_536);
    this.resender = new FixResender(store, new FixWriter(begin, options.maxMessageBytes ?? 16_384), {
      header: (w, type, seq, orig) => {
        this.header(w, type, seq);
        w.bool(Tag.PossDupFlag, true);
        if (Number.isFinite(orig)) w.timestamp(Tag.OrigSendingTime, orig);
      },
      put: (w) => this.put(w),
    });
  }

  get isActive(): boolean {
    return this.state === SessionState.ACTIVE;
  }

  /** The session's clock (epoch ms): the last tick or receive. Stamps SendingTime and TransactTime without a clock read per message. */
  get clockMs(): number {
    return this.nowMs;
  }

  /** An application message can be sent now (logged on, and the store keeps up). */
  get canSend(): boolean {
    return this.state === SessionState.ACTIVE && this.store.ready;
  }

  /**
   * A connection is up: an initiator sends its Logon, with ResetSeqNumFlag when `reset`
   * (default: `options.resetOnLogon`).
   */
  connected(nowMs: number, reset = this.options.resetOnLogon === true): void {
    this.nowMs = nowMs;
    this.state = SessionState.AWAIT_LOGON;
    this.connectedAt = this.lastReceivedMs = this.lastSentMs = nowMs;
    this.testRequestAt = 0;
    this.resendFrom = 0;
    while (this.framer.pending > 0) if (this.framer.next(this.msg) === Framed.NONE) break; // nothing of the last connection
    this.resetSent = false;
    if (this.options.role === 'initiator') {
      this.resetSent = reset;
      if (this.resetSent) this.store.reset();
      this.sendLogon(this.resetSent);
    }
  }

  /** The connection is gone (closed by either side). */
  disconnected(reason: string): void {
    if (this.state === SessionState.DISCONNECTED) return;
    this.state = SessionState.DISCONNECTED;
    this.lastCloseReason = reason;
  }

  /** Bytes from the wire (any split: the framer reassembles). */
  receive(chunk: Uint8Array, nowMs: number): void {
    this.nowMs = nowMs;
    let from = 0;
    while (from < chunk.length && this.state !== SessionState.DISCONNECTED) {
      const taken = this.framer.push(chunk, from);
      from += taken;
      for (let framed = 0; ; framed++) {
        if (this.state === SessionState.DISCONNECTED) return;
        const r = this.framer.next(this.msg);
        if (r === Framed.NONE) {
          if (taken === 0 && framed === 0) return this.end('the receive buffer is full of bytes that frame nothing'); // never spins
          break;
        }
        if (r === Framed.INVALID) continue; // no usable MsgSeqNum or MsgType: garbled, ignored
        this.stats.received++;
        this.lastReceivedMs = nowMs;
        this.onMessage(this.msg);
      }
    }
  }

  /** Timers: heartbeat, TestRequest, a silent peer, logon and logout bounds. */
  tick(nowMs: number): void {
    this.nowMs = nowMs;
    const s = this.state;
    if (s === SessionState.AWAIT_LOGON && nowMs - this.connectedAt > (this.options.logonTimeoutMs ?? 10_000)) return this.end('no Logon within the logon timeout');
    if (s === SessionState.LOGOUT_SENT && nowMs - this.logoutAt > (this.options.logoutTimeoutMs ?? 2_000)) return this.end('no Logout answer within the logout timeout');
    if (s !== SessionState.ACTIVE) return;
    if (this.testRequestAt !== 0 && nowMs - this.testRequestAt >= this.heartbeatMs) return this.end('the peer did not answer a TestRequest');
    if (this.testRequestAt === 0 && nowMs - this.lastReceivedMs >= this.heartbeatMs * 1.2) {
      this.testRequestAt = nowMs;
      const w = this.adminHeader(MsgType.TEST_REQUEST);
      w.int(Tag.TestReqID, ++this.testRequestId);
      this.sendAdmin(w);
      this.stats.testRequests++;
    }
    if (nowMs - this.lastSentMs >= this.heartbeatMs) {
      this.sendAdmin(this.adminHeader(MsgType.HEARTBEAT));
      this.stats.heartbeats++;
    }
    // A resend that made no progress for two intervals is asked for again.
    if (this.resendFrom !== 0 && nowMs - this.resendAt >= 2 * this.heartbeatMs) this.requestResend(this.store.nextTargetSeq);
  }

  /** When `tick` next has something to do (epoch ms). */
  nextTimerMs(): number {
    if (this.state === SessionState.AWAIT_LOGON) return this.connectedAt + (this.options.logonTimeoutMs ?? 10_000);
    if (this.state === SessionState.LOGOUT_SENT) return this.logoutAt + (this.options.logoutTimeoutMs ?? 2_000);
    if (this.state !== SessionState.ACTIVE) return Infinity;
    const peer = this.testRequestAt !== 0 ? this.testRequestAt + this.heartbeatMs : this.lastReceivedMs + this.heartbeatMs * 1.2;
    return Math.min(peer, this.lastSentMs + this.heartbeatMs);
  }

  /** Start an application message: the writer with the header written, or null when it cannot be sent now (not logged on, or the store is behind). */
  begin(msgType: number): FixWriter | null {
    if (this.state !== SessionState.ACTIVE || !this.store.ready) return null;
    this.appSeq = this.store.nextSenderSeq;
    this.header(this.app, msgType, this.appSeq);
    return this.app;
  }

  /** Store and send the message `begin` started. Its MsgSeqNum, or -1 when it did not fit (nothing sent, no number used). */
  commit(): number {
    const w = this.app;
    if (w.close() < 0) return -1;
    const seq = this.appSeq;
    this.store.sent(seq, w.buf, w.start, w.end);
    this.put(w);
    return seq;
  }

  /**
   * Ask the peer to send again everything from `from` on (reconciliation after a restart:
   * from the journal's checkpoint), then a TestRequest: the peer answers it after the
   * resend, so its Heartbeat marks the end. Returns the TestReqID to wait for
   * (`answered(id)`), or -1 when not logged on.
   */
  replay(from: number): number {
    if (this.state !== SessionState.ACTIVE) return -1;
    this.replayFrom = from;
    this.requestResend(from);
    const id = ++this.testRequestId;
    const w = this.adminHeader(MsgType.TEST_REQUEST);
    w.int(Tag.TestReqID, id);
    this.sendAdmin(w);
    this.testRequestAt = this.nowMs;
    return id;
  }

  /**
   * Send a TestRequest now; returns its TestReqID (-1 when not logged on). The peer answers
   * in order, so once `answered(id)`, everything it sent before has been received.
   */
  ping(): number {
    if (this.state !== SessionState.ACTIVE) return -1;
    const id = ++this.testRequestId;
    const w = this.adminHeader(MsgType.TEST_REQUEST);
    w.int(Tag.TestReqID, id);
    this.sendAdmin(w);
    if (this.testRequestAt === 0) this.testRequestAt = this.nowMs;
    return id;
  }

  /** Whether the Heartbeat answering TestRequest `id` has arrived (`replay`, `ping`). */
  answered(id: number): boolean {
    return this.lastAnswered >= id;
  }

  /** Log out (bounded: the connection ends at the peer's Logout or the logout timeout). */
  logout(text?: string): void {
    if (this.state !== SessionState.ACTIVE && this.state !== SessionState.AWAIT_LOGON) return;
    this.sendLogout(text);
    this.state = SessionState.LOGOUT_SENT;
    this.logoutAt = this.nowMs;
  }

  private onMessage(m: FixMessage): void {
    if (!this.addressedToUs(m)) return;
    const type = m.msgType;
    if (this.state === SessionState.AWAIT_LOGON && type !== MsgType.LOGON) return this.end('the first message was not a Logon');
    const seq = m.seqNum;
    if (type === MsgType.LOGON && m.flag(Tag.ResetSeqNumFlag) && this.state === SessionState.AWAIT_LOGON && !this.resetSent) {
      // The peer starts again at 1 (its Logon is number 1), and so do we (our answer is number 1).
      this.store.reset();
    }
    const expected = this.store.nextTargetSeq;
    const possDup = m.flag(Tag.PossDupFlag);
    if (type === MsgType.SEQUENCE_RESET && !m.flag(Tag.GapFillFlag)) return this.onSequenceReset(m, expected);
    if (possDup && !this.sendingTimeConsistent(m)) return;
    if (seq > expected) {
      // A gap: what the peer sent before this is missing. Logon, Logout and ResendRequest
      // are acted on anyway; everything else comes again with the resend.
      if (type === MsgType.LOGON) this.onLogon(m);
      else if (type === MsgType.LOGOUT) return this.onLogout();
      else if (type === MsgType.RESEND_REQUEST) this.onResendRequest(m);
      if (this.state === SessionState.ACTIVE && this.resendFrom !== expected) this.requestResend(expected);
      return;
    }
    if (seq < expected) {
      if (!possDup) return this.end(`MsgSeqNum too low, expecting ${expected} but received ${seq}`, true);
      if (seq >= this.replayFrom && !isAdminMsgType(type)) this.deliver(m, true);
      return;
    }
    if (!this.checkLatency(m)) return;
    let next = expected + 1;
    switch (type) {
      case MsgType.LOGON:
        this.onLogon(m);
        if (this.state !== SessionState.ACTIVE) return;
        break;
      case MsgType.HEARTBEAT: {
        const answered = m.int(Tag.TestReqID);
        if (answered > this.lastAnswered && answered <= this.testRequestId) this.lastAnswered = answered;
        if (this.testRequestAt !== 0 && answered === this.testRequestId) this.testRequestAt = 0;
        break;
      }
      case MsgType.TEST_REQUEST: {
        const w = this.adminHeader(MsgType.HEARTBEAT);
        const f = m.find(Tag.TestReqID);
        if (f >= 0) w.copy(Tag.TestReqID, m.buf, m.from[f], m.to[f]);
        this.sendAdmin(w);
        break;
      }
      case MsgType.RESEND_REQUEST:
        this.onResendRequest(m);
        break;
      case MsgType.REJECT:
        try {
          this.handler.onSessionReject(m.int(Tag.RefSeqNum), m);
        } catch {
          this.stats.handlerErrors++;
        }
        break;
      case MsgType.SEQUENCE_RESET: {
        const newSeq = m.int(Tag.NewSeqNo);
        if (newSeq > expected) next = newSeq;
        else this.reject(seq, REJECT_VALUE_INCORRECT, Tag.NewSeqNo, 'NewSeqNo is not above MsgSeqNum');
        break;
      }
      case MsgType.LOGOUT:
        this.store.setSequences(this.store.nextSenderSeq, next);
        return this.onLogout();
      default:
        this.deliver(m, possDup);
    }
    this.store.setSequences(this.store.nextSenderSeq, next);
    if (this.resendFrom !== 0 && !possDup) this.resendFrom = 0; // live traffic again: the gap is filled
  }

  private onLogon(m: FixMessage): void {
    if (this.state === SessionState.ACTIVE) return; // a second Logon on an active session: ignored
    const acceptor = this.options.role === 'acceptor';
    const heartBtInt = m.int(Tag.HeartBtInt);
    if (!(heartBtInt >= 0) || heartBtInt > 3_600) return this.end('a Logon without a usable HeartBtInt', true);
    if (acceptor && this.options.authenticate !== undefined && !this.options.authenticate(m.text(Tag.Username), m.text(Tag.Password))) return this.end('a Logon with credentials that were refused', true);
    if (acceptor) {
      // HeartBtInt 0 (no heartbeats) is not taken: a silent peer must still be found out, so
      // the session keeps its own interval (30 s by default) for it.
      if (heartBtInt > 0) this.heartbeatMs = heartBtInt * 1_000;
      this.sendLogon(m.flag(Tag.ResetSeqNumFlag));
    }
    this.state = SessionState.ACTIVE;
    try {
      this.handler.onLogon();
    } catch {
      this.stats.handlerErrors++;
    }
  }

  private onLogout(): void {
    if (this.state !== SessionState.LOGOUT_SENT) this.sendLogout();
    this.end('Logout');
  }

  private onResendRequest(m: FixMessage): void {
    this.stats.resendRequests++;
    if (!this.resender.answer(m.int(Tag.BeginSeqNo), m.int(Tag.EndSeqNo))) this.reject(m.seqNum, REJECT_VALUE_INCORRECT, Tag.BeginSeqNo, 'BeginSeqNo and EndSeqNo are not a range');
  }

  /** SequenceReset-Reset (no GapFillFlag): MsgSeqNum is not checked; NewSeqNo may only move forward. */
  private onSequenceReset(m: FixMessage, expected: number): void {
    const newSeq = m.int(Tag.NewSeqNo);
    if (!(newSeq >= expected)) {
      this.reject(m.seqNum, REJECT_VALUE_INCORRECT, Tag.NewSeqNo, 'NewSeqNo is below the expected MsgSeqNum');
      return;
    }
    this.store.setSequences(this.store.nextSenderSeq, newSeq);
    this.resendFrom = 0;
  }

  private requestResend(from: number): void {
    const w = this.adminHeader(MsgType.RESEND_REQUEST);
    w.int(Tag.BeginSeqNo, from).int(Tag.EndSeqNo, 0);
    this.sendAdmin(w);
    this.resendFrom = from;
    this.resendAt = this.nowMs;
  }

  /** SenderCompID and TargetCompID must be the peer's and ours; BeginString ours. */
  private addressedToUs(m: FixMessage): boolean {
    if (!this.beginStringIsOurs(m)) {
      this.end('a message with another BeginString', this.state === SessionState.ACTIVE);
      return false;
    }
    if (!m.equals(Tag.SenderCompID, this.target) || !m.equals(Tag.TargetCompID, this.sender)) {
      if (this.state === SessionState.ACTIVE) this.reject(m.seqNum, REJECT_COMP_ID, Tag.SenderCompID, 'CompID problem');
      this.end('a message with the wrong CompIDs', this.state === SessionState.ACTIVE);
      return false;
    }
    return true;
  }

  private beginStringIsOurs(m: FixMessage): boolean {
    const b = this.beginBytes;
    const at = m.start + 2; // after "8="
    for (let i = 0; i < b.length; i++) if (m.buf[at + i] !== b[i]) return false;
    return m.buf[at + b.length] === 1;
  }

  /** A resent message claiming to have been sent first after it was sent again is refused. */
  private sendingTimeConsistent(m: FixMessage): boolean {
    const orig = m.timestamp(Tag.OrigSendingTime);
    if (Number.isNaN(orig) || orig <= m.timestamp(Tag.SendingTime)) return true;
    this.reject(m.seqNum, REJECT_SENDING_TIME, Tag.OrigSendingTime, 'OrigSendingTime is after SendingTime');
    this.store.setSequences(this.store.nextSenderSeq, Math.max(this.store.nextTargetSeq, m.seqNum + 1));
    return false;
  }

  private checkLatency(m: FixMessage): boolean {
    const max = this.options.maxLatencyMs ?? 120_000;
    if (max === 0 || m.flag(Tag.PossDupFlag)) return true;
    const sent = m.timestamp(Tag.SendingTime);
    if (!Number.isNaN(sent) && Math.abs(sent - this.nowMs) <= max) return true;
    this.reject(m.seqNum, REJECT_SENDING_TIME, Tag.SendingTime, 'SendingTime accuracy problem');
    this.end('SendingTime accuracy problem', true);
    return false;
  }

  /** A handler that throws never takes the session down (counted). */
  private deliver(m: FixMessage, possDup: boolean): void {
    try {
      this.handler.onApplication(m, possDup);
    } catch {
      this.stats.handlerErrors++;
    }
  }

  private sendLogon(reset: boolean): void {
    const w = this.adminHeader(MsgType.LOGON);
    w.int(Tag.EncryptMethod, 0).int(Tag.HeartBtInt, Math.round(this.heartbeatMs / 1_000));
    if (reset) w.bool(Tag.ResetSeqNumFlag, true);
    if (this.options.role === 'initiator') {
      if (this.options.username !== undefined) w.bytes(Tag.Username, asciiBytes(this.options.username, 'Username'));
      if (this.options.password !== undefined) w.bytes(Tag.Password, asciiBytes(this.options.password, 'Password'));
    }
    this.sendAdmin(w);
  }

  private sendLogout(text?: string): void {
    const w = this.adminHeader(MsgType.LOGOUT);
    if (text !== undefined) w.bytes(Tag.Text, asciiBytes(text, 'Text'));
    this.sendAdmin(w);
  }

  private reject(refSeq: number, reason: number, refTag: number, text: string): void {
    const w = this.adminHeader(MsgType.REJECT);
    w.int(Tag.RefSeqNum, refSeq).int(Tag.RefTagID, refTag).int(Tag.SessionRejectReason, reason).bytes(Tag.Text, asciiBytes(text, 'Text'));
    this.sendAdmin(w);
    this.stats.rejectsSent++;
  }

  /** End the connection; `logout`: tell the peer why first. */
  private end(reason: string, logout = false): void {
    if (this.state === SessionState.DISCONNECTED) return;
    if (logout) this.sendLogout(reason.slice(0, 200));
    this.state = SessionState.DISCONNECTED;
    this.lastCloseReason = reason;
    this.handler.close(reason);
  }

  private adminHeader(type: number): FixWriter {
    this.header(this.admin, type, this.store.nextSenderSeq);
    return this.admin;
  }

  private sendAdmin(w: FixWriter): void {
    if (w.close() < 0) return;
    const seq = this.store.nextSenderSeq;
    this.store.setSequences(seq + 1, this.store.nextTargetSeq);
    this.put(w);
  }

  private header(w: FixWriter, type: number, seq: number): void {
    w.n[0] = seq;
    w.n[1] = this.nowMs; // through the writer's slot: a double argument could be boxed (FixWriter.n)
    w.openHeader(type, this.compIds);
  }

  private put(w: FixWriter): void {
    this.lastSentMs = this.nowMs;
    this.stats.sent++;
    this.handler.write(w.buf, w.start, w.end);
  }
}

