import { describe, expect, it } from 'vitest';
import { asciiBytes, FixFramer, FixMessage, FixSession, FixWriter, Framed, JournalFixStore, MemoryFixStore, MsgType, SessionState, Tag, type FixSessionOptions, type FixStore } from '@ringroute/gateways';
import { tempDirs } from '../../support/tempDirs.js';

const freshDir = tempDirs('rr-fix-store-');
const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);

/** The peer's side, scripted: what the session wrote, parsed; and messages to feed it. */
class Peer {
  readonly out: { type: string; seq: number; fields: Map<number, string> }[] = [];
  closed: string | null = null;
  logons = 0;
  readonly app: { seq: number; possDup: boolean; clOrdId: string | undefined }[] = [];
  readonly sessionRejects: number[] = [];
  throwOnApp = false;
  onApp: ((session: FixSession) => void) | null = null;
  private readonly framer = new FixFramer();
  private readonly msg = new FixMessage();
  private readonly w = new FixWriter();
  seq = 1;
  session!: FixSession;

  handler() {
    return {
      write: (buf: Uint8Array, from: number, to: number) => {
        this.framer.push(buf.subarray(from, to));
        while (this.framer.next(this.msg) === Framed.MESSAGE) {
          const fields = new Map<number, string>();
          for (let i = 0; i < this.msg.count; i++) fields.set(this.msg.tags[i], this.msg.text(this.msg.tags[i])!);
          this.out.push({ type: String.fromCharCode(this.msg.msgType), seq: this.msg.seqNum, fields });
        }
      },
      close: (reason: string) => void (this.closed = reason),
      onLogon: () => void this.logons++,
      onApplication: (m: FixMessage, possDup: boolean) => {
        this.app.push({ seq: m.seqNum, possDup, clOrdId: m.text(Tag.ClOrdID) });
        if (this.throwOnApp) throw new Error('handler bug');
        this.onApp?.(this.session);
      },
      onSessionReject: (ref: number) => void this.sessionRejects.push(ref),
    };
  }

  /** A message from the peer to the session. `fields` after the header; options for the header. */
  send(type: number, fields: [number, string][] = [], o: { seq?: number; possDup?: boolean; orig?: number; sender?: string; sendingTime?: number } = {}): void {
    const w = this.w;
    const seq = o.seq ?? this.seq++;
    w.open(type).bytes(Tag.SenderCompID, asciiBytes(o.sender ?? 'EXEC', 'x')).bytes(Tag.TargetCompID, asciiBytes('RR', 'x')).int(Tag.MsgSeqNum, seq).timestamp(Tag.SendingTime, o.sendingTime ?? T0);
    if (o.possDup) w.bool(Tag.PossDupFlag, true);
    if (o.orig !== undefined) w.timestamp(Tag.OrigSendingTime, o.orig);
    for (const [tag, value] of fields) w.bytes(tag, asciiBytes(value, 'x'));
    w.close();
    this.session.receive(w.buf.slice(w.start, w.end), T0);
  }

  last(type: string) {
    return this.out.filter((m) => m.type === type).at(-1);
  }
}

function sessionWith(store: FixStore = new MemoryFixStore(), options: Partial<FixSessionOptions> = {}): { session: FixSession; peer: Peer } {
  const peer = new Peer();
  const session = new FixSession({ role: 'initiator', senderCompId: 'RR', targetCompId: 'EXEC', heartbeatSeconds: 1, ...options }, store, peer.handler());
  peer.session = session;
  return { session, peer };
}

function loggedOn(store?: FixStore, options?: Partial<FixSessionOptions>) {
  const s = sessionWith(store, options);
  s.session.connected(T0);
  s.peer.send(MsgType.LOGON, [[Tag.EncryptMethod, '0'], [Tag.HeartBtInt, '1']]);
  expect(s.session.state).toBe(SessionState.ACTIVE);
  return s;
}

function order(session: FixSession, clOrdId: string): number {
  const w = session.begin(MsgType.NEW_ORDER_SINGLE)!;
  w.bytes(Tag.ClOrdID, asciiBytes(clOrdId, 'x'));
  return session.commit();
}

describe('FIX session layer (issue 14)', () => {
  it('logs on, answers a TestRequest with its TestReqID, sends Heartbeats when quiet, and ends a connection whose peer stays silent after a TestRequest', () => {
    const { session, peer } = loggedOn();
    expect(peer.out.map((m) => m.type)).toEqual(['A']);
    expect(peer.out[0].fields.get(Tag.HeartBtInt)).toBe('1');
    peer.send(MsgType.TEST_REQUEST, [[Tag.TestReqID, 'ping-7']]);
    expect(peer.last('0')!.fields.get(Tag.TestReqID)).toBe('ping-7');
    session.tick(T0 + 1_000);
    expect(peer.out.filter((m) => m.type === '0')).toHaveLength(2); // quiet for an interval: a Heartbeat
    session.tick(T0 + 1_200); // silent peer for 1.2 intervals: a TestRequest
    expect(peer.last('1')).toBeDefined();
    session.tick(T0 + 2_100);
    expect(peer.closed).toBeNull(); // still within its interval to answer
    session.tick(T0 + 2_200);
    expect(peer.closed).toBe('the peer did not answer a TestRequest');
    expect(session.state).toBe(SessionState.DISCONNECTED);
  });

  it('an answered TestRequest keeps the session up', () => {
    const { session, peer } = loggedOn();
    session.tick(T0 + 1_200);
    const id = peer.last('1')!.fields.get(Tag.TestReqID)!;
    peer.send(MsgType.HEARTBEAT, [[Tag.TestReqID, id]]);
    session.tick(T0 + 2_300);
    expect(peer.closed).toBeNull();
  });

  it('a gap in the peer\'s numbers is asked for once (ResendRequest from the first missing, to infinity), the resent messages are taken, and live traffic resumes', () => {
    const { session, peer } = loggedOn();
    peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, 'a']], { seq: 5 }); // 2, 3 and 4 missing
    peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, 'b']], { seq: 6 });
    const requests = peer.out.filter((m) => m.type === '2');
    expect(requests).toHaveLength(1);
    expect([requests[0].fields.get(Tag.BeginSeqNo), requests[0].fields.get(Tag.EndSeqNo)]).toEqual(['2', '0']);
    expect(peer.app).toEqual([]); // nothing out of order is delivered
    for (const [seq, id] of [[2, 'x'], [3, 'y'], [4, 'z'], [5, 'a'], [6, 'b']] as const) peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, id]], { seq, possDup: true, orig: T0 - 1_000 });
    peer.seq = 7;
    peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, 'c']]);
    expect(peer.app.map((a) => a.clOrdId)).toEqual(['x', 'y', 'z', 'a', 'b', 'c']);
    expect(session.store.nextTargetSeq).toBe(8);
    expect(peer.out.filter((m) => m.type === '2')).toHaveLength(1);
  });

  it('a MsgSeqNum lower than expected without PossDupFlag ends the session with a Logout saying so; with PossDupFlag it is a duplicate, ignored', () => {
    const { session, peer } = loggedOn();
    peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, 'a']]);
    peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, 'a']], { seq: 2, possDup: true, orig: T0 });
    expect(peer.app).toHaveLength(1);
    expect(session.state).toBe(SessionState.ACTIVE);
    peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, 'a']], { seq: 2 });
    expect(peer.last('5')!.fields.get(Tag.Text)).toBe('MsgSeqNum too low, expecting 3 but received 2');
    expect(peer.closed).toMatch(/too low/);
  });

  it('PossDup messages below the expected number are delivered at or above replayFrom (reconciliation), marked as duplicates', () => {
    const { session, peer } = loggedOn();
    for (let i = 0; i < 4; i++) peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, `o${i}`]]);
    session.replayFrom = 4;
    for (let seq = 2; seq <= 5; seq++) peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, `o${seq - 2}`]], { seq, possDup: true, orig: T0 });
    expect(peer.app.slice(4)).toEqual([
      { seq: 4, possDup: true, clOrdId: 'o2' },
      { seq: 5, possDup: true, clOrdId: 'o3' },
    ]);
  });

  it('answers a ResendRequest from the store: application messages again with PossDupFlag and OrigSendingTime, session messages as one gap fill, even for a range to 2^53 - 1; past it, or backwards, a Reject', () => {
    const { session, peer } = loggedOn();
    session.tick(T0 + 1_000); // a Heartbeat (seq 2)
    expect(order(session, 'n1')).toBe(3);
    expect(order(session, 'n2')).toBe(4);
    session.tick(T0 + 2_000);
    peer.send(MsgType.TEST_REQUEST, [[Tag.TestReqID, 'x']]); // seq 2 from the peer; our answer seq 6
    const before = peer.out.length;
    peer.send(MsgType.RESEND_REQUEST, [[Tag.BeginSeqNo, '1'], [Tag.EndSeqNo, String(2 ** 53 - 1)]]);
    const answer = peer.out.slice(before);
    expect(answer.map((m) => [m.type, m.seq, m.fields.get(Tag.PossDupFlag), m.fields.get(Tag.NewSeqNo) ?? m.fields.get(Tag.ClOrdID)])).toEqual([
      ['4', 1, 'Y', '3'], // Logon and Heartbeat: gap-filled
      ['D', 3, 'Y', 'n1'],
      ['D', 4, 'Y', 'n2'],
      ['4', 5, 'Y', '7'], // heartbeats and the TestRequest's answer
    ]);
    expect(answer[1].fields.get(Tag.OrigSendingTime)).toBe('20261202-09:00:01.000'); // when it was first sent
    expect(answer.every((m) => m.type !== '4' || m.fields.get(Tag.GapFillFlag) === 'Y')).toBe(true);
    expect(session.store.nextSenderSeq).toBe(7); // a resend uses no new number
    // Not a range: rejected, the session goes on.
    peer.send(MsgType.RESEND_REQUEST, [[Tag.BeginSeqNo, '9'], [Tag.EndSeqNo, '3']]);
    expect(peer.last('3')!.fields.get(Tag.SessionRejectReason)).toBe('5');
    peer.send(MsgType.RESEND_REQUEST, [[Tag.BeginSeqNo, '1'], [Tag.EndSeqNo, '18446744073709551616']]);
    expect(peer.out.filter((m) => m.type === '3')).toHaveLength(2);
    expect(session.state).toBe(SessionState.ACTIVE);
  });

  it('SequenceReset: GapFill moves the expected number forward; Reset too, without a sequence check; neither may move it back', () => {
    const { session, peer } = loggedOn();
    peer.send(MsgType.SEQUENCE_RESET, [[Tag.GapFillFlag, 'Y'], [Tag.NewSeqNo, '10']], { possDup: true, orig: T0 });
    expect(session.store.nextTargetSeq).toBe(10);
    peer.send(MsgType.SEQUENCE_RESET, [[Tag.NewSeqNo, '20']], { seq: 99 });
    expect(session.store.nextTargetSeq).toBe(20);
    peer.send(MsgType.SEQUENCE_RESET, [[Tag.NewSeqNo, '5']], { seq: 1 });
    expect(session.store.nextTargetSeq).toBe(20);
    expect(peer.last('3')!.fields.get(Tag.RefTagID)).toBe(String(Tag.NewSeqNo));
    expect(session.state).toBe(SessionState.ACTIVE);
  });

  it('wrong CompIDs, a stale SendingTime and a resent message sent before its original are refused as the session protocol says; garbled bytes are ignored and counted', () => {
    let { session, peer } = loggedOn();
    session.receive(new TextEncoder().encode('8=FIX.4.4\u00019=5\u000135=0\u000110=000\u0001garbage'), T0);
    expect(session.framer.stats.badLength + session.framer.stats.badChecksum).toBeGreaterThan(0);
    expect(session.state).toBe(SessionState.ACTIVE);
    peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, 'a']], { possDup: true, orig: T0 + 60_000 });
    expect(peer.last('3')!.fields.get(Tag.SessionRejectReason)).toBe('10');
    expect(session.state).toBe(SessionState.ACTIVE);
    peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, 'a']], { sendingTime: T0 - 600_000 });
    expect(peer.last('3')!.fields.get(Tag.SessionRejectReason)).toBe('10');
    expect(peer.closed).toBe('SendingTime accuracy problem');

    ({ session, peer } = loggedOn());
    peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, 'a']], { sender: 'SOMEONE' });
    expect(peer.last('3')!.fields.get(Tag.SessionRejectReason)).toBe('9');
    expect(peer.last('5')).toBeDefined();
    expect(peer.closed).toBe('a message with the wrong CompIDs');
  });

  it('a handler that throws is counted and the session goes on; a handler may send from inside a delivery (re-entrant)', () => {
    const { session, peer } = loggedOn();
    peer.throwOnApp = true;
    peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, 'a']]);
    expect(session.stats.handlerErrors).toBe(1);
    expect(session.store.nextTargetSeq).toBe(3);
    peer.throwOnApp = false;
    peer.onApp = (s) => void order(s, 'from-handler');
    peer.send(MsgType.EXECUTION_REPORT, [[Tag.ClOrdID, 'b']]);
    expect(peer.last('D')!.fields.get(Tag.ClOrdID)).toBe('from-handler');
    expect(session.state).toBe(SessionState.ACTIVE);
  });

  it('bounded waits: no Logon within the logon timeout ends the connection; a Logout not answered ends it after the logout timeout; the first message must be a Logon', () => {
    let { session, peer } = sessionWith(undefined, { logonTimeoutMs: 500, logoutTimeoutMs: 300 });
    session.connected(T0);
    session.tick(T0 + 501);
    expect(peer.closed).toBe('no Logon within the logon timeout');
    ({ session, peer } = loggedOn(undefined, { logoutTimeoutMs: 300 }));
    session.logout();
    session.tick(T0 + 301);
    expect(peer.closed).toBe('no Logout answer within the logout timeout');
    ({ session, peer } = sessionWith());
    session.connected(T0);
    peer.send(MsgType.HEARTBEAT);
    expect(peer.closed).toBe('the first message was not a Logon');
  });

  it('the journal store: a clean close resumes at the exact numbers; a crash resumes `margin` past the last number written, never below one the peer saw; sent messages survive for resend', async () => {
    const dir = freshDir();
    let store = await JournalFixStore.open({ dir, margin: 100 });
    expect(store.opened).toEqual({ clean: true, skipped: 0, messages: 0 });
    let { session, peer } = loggedOn(store);
    for (let i = 0; i < 5; i++) order(session, `c${i}`);
    peer.send(MsgType.HEARTBEAT);
    store.flush(0);
    await store.close(true);
    store = await JournalFixStore.open({ dir, margin: 100 });
    expect(store.opened).toMatchObject({ clean: true, skipped: 0, messages: 5 });
    expect([store.nextSenderSeq, store.nextTargetSeq]).toEqual([7, 3]);
    // Resend from the reopened store.
    ({ session, peer } = sessionWith(store));
    session.connected(T0);
    peer.seq = 3;
    peer.send(MsgType.LOGON, [[Tag.EncryptMethod, '0'], [Tag.HeartBtInt, '1']]);
    peer.send(MsgType.RESEND_REQUEST, [[Tag.BeginSeqNo, '2'], [Tag.EndSeqNo, '0']]);
    expect(peer.out.filter((m) => m.type === 'D').map((m) => m.fields.get(Tag.ClOrdID))).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    await store.close(false); // as if the process died: not a clean close
    store = await JournalFixStore.open({ dir, margin: 100 });
    expect(store.opened).toMatchObject({ clean: false, skipped: 100 });
    expect(store.nextSenderSeq).toBe(8 + 100);
    await store.close(true);
  });
});
