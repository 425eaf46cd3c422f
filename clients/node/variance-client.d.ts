// Generated from rpc-spec/openrpc.json by clients/node/gen-types.mjs; do not edit.
import { EventEmitter } from "node:events";

// -- Schemas

export type DID = string;

export type PeerID = string;

export type Username = string;

export type Passphrase = string;

/** RFC 3339, UTC. */
export type Time = string;

export type Event = {
  seq: number;
  method: string;
  params: Record<string, unknown>;
};

export type Message = {
  id: string;
  conversation: string;
  from: string;
  text: string;
  sentAt: Time;
  receivedAt?: Time;
  status: "queued" | "sent" | "delivered" | "read" | "failed" | "received";
  replyTo?: string;
  expiresAt: Time;
};

export type NodeStatus = {
  peerId: PeerID;
  listenAddrs: Multiaddr[];
  connectedPeers: number;
  nat: "unknown" | "public" | "private";
  relays: Multiaddr[];
  dht: {
    enabled: boolean;
    peers: number;
  };
};

export type Multiaddr = string;

export type Contact = {
  did: DID;
  nickname?: string;
  username?: string;
  peerIds: PeerID[];
};

export type Conversation = {
  id: string;
  kind: "direct" | "group";
  title: string;
  lastMessage?: Message;
  unread: number;
  timer: number;
};

export type Presence = {
  did: DID;
  status: "online" | "away" | "busy" | "offline" | "unknown";
  lastSeen?: Time;
};

/** A person: the DID of a contact (did:key:…), or @name, the username of a contact. */
export type Person = string;

/** A group id: the MLS group id in lowercase hex. */
export type GroupID = string;

/** A call id: 16 random bytes chosen by the caller, in lowercase hex. */
export type CallID = string;

// -- Methods

/** engine.info */
export type EngineInfoParams = Record<string, never>;
export type EngineInfoResult = {
  version: string;
  protocolVersion: number;
  dataDir: string;
  identity: "none" | "locked" | "ready";
};

/** engine.shutdown */
export type EngineShutdownParams = Record<string, never>;
export type EngineShutdownResult = Record<string, never>;

/** events.replay */
export type EventsReplayParams = {
  /** Return events with seq greater than this (0: from the start). */
  after: number;
  /** At most this many events. */
  limit?: number;
};
export type EventsReplayResult = {
  events: Event[];
  last: number;
};

/** events.subscribe */
export type EventsSubscribeParams = {
  /** Notification names to push. */
  kinds?: string[] | null;
};
export type EventsSubscribeResult = Record<string, never>;

/** rpc.discover */
export type RpcDiscoverParams = Record<string, never>;
export type RpcDiscoverResult = Record<string, unknown>;

/** $/cancelRequest */
export type CancelRequestParams = {
  /** The id of the request to cancel. */
  id: string | number;
};
export type CancelRequestResult = Record<string, never>;

/** identity.create */
export type IdentityCreateParams = {
  /** A username to keep with the identity. */
  username?: Username;
  /** Encrypts the identity file (Argon2id + XChaCha20-Poly1305). */
  passphrase?: Passphrase;
};
export type IdentityCreateResult = {
  did: DID;
  peerId: PeerID;
  username?: Username;
  mnemonic: string[];
};

/** identity.recover */
export type IdentityRecoverParams = {
  /** The words, as an array or one space-separated string. */
  mnemonic: string[] | string;
  /** Encrypts the identity file. */
  passphrase?: Passphrase;
  /** A username to keep with the identity. */
  username?: Username;
};
export type IdentityRecoverResult = {
  did: DID;
  peerId: PeerID;
};

/** identity.unlock */
export type IdentityUnlockParams = {
  /** The passphrase given when the identity was created. */
  passphrase: string;
};
export type IdentityUnlockResult = {
  did: DID;
};

/** identity.show */
export type IdentityShowParams = Record<string, never>;
export type IdentityShowResult = {
  did: DID;
  peerId: PeerID;
  username?: Username;
  fingerprint: string;
  createdAt: Time;
};

/** messages.list */
export type MessagesListParams = {
  /** A DID (direct) or a group id. A contact may be named by @name. */
  conversation: string;
  /** The cursor a previous page returned. */
  before?: string;
  /** At most this many messages. */
  limit?: number;
};
export type MessagesListResult = {
  messages: Message[];
  before?: string;
};

/** messages.send */
export type MessagesSendParams = {
  /** The contact's DID, a group id, or @name: a contact's username, or a name registered in the network, which is then looked up and added as a contact first (as contacts.add {username} does). In a group the text is MLS-encrypted and published on the group's topic; it is delivered when every other member sent a receipt, read when every other member read it. */
  conversation: string;
  /** The text, 1 to 16384 UTF-8 bytes. */
  text: string;
  /** The id of the message this answers (1 to 64 printable ASCII characters; a ULID). */
  replyTo?: string;
};
export type MessagesSendResult = {
  id: string;
  status: "queued";
};

/** messages.markRead */
export type MessagesMarkReadParams = {
  /** The conversation id (the contact's DID, or a group id). A contact may be named by @name. */
  conversation: string;
  /** The id of the newest message read. */
  upTo: string;
};
export type MessagesMarkReadResult = Record<string, never>;

/** contacts.add */
export type ContactsAddParams = {
  /** The contact's did:key (unless invite is given). */
  did?: DID;
  /** Where the contact's node listens. */
  multiaddr?: Multiaddr;
  /** A variance://invite/ link from contacts.invite (instead of did and multiaddr). */
  invite?: string;
  /** A username (@alice or alice), instead of did: resolved in the DHT, its peer found and dialed. */
  username?: string;
  /** Our name for the contact. */
  nickname?: string;
};
export type ContactsAddResult = {
  contact: Contact;
};

/** contacts.list */
export type ContactsListParams = Record<string, never>;
export type ContactsListResult = {
  contacts: Contact[];
};

/** contacts.fingerprint */
export type ContactsFingerprintParams = {
  /** The contact's did:key. */
  did: Person;
};
export type ContactsFingerprintResult = {
  safetyNumber: string;
};

/** contacts.remove */
export type ContactsRemoveParams = {
  /** The contact's did:key. */
  did: Person;
};
export type ContactsRemoveResult = Record<string, never>;

/** contacts.block */
export type ContactsBlockParams = {
  /** The contact's did:key. */
  did: Person;
};
export type ContactsBlockResult = Record<string, never>;

/** contacts.unblock */
export type ContactsUnblockParams = {
  /** The contact's did:key. */
  did: Person;
};
export type ContactsUnblockResult = Record<string, never>;

/** contacts.invite */
export type ContactsInviteParams = {
  /** Seconds the invite stays valid, 1 to 2592000 (30 days); default 604800 (7 days). */
  expiresIn?: number;
};
export type ContactsInviteResult = {
  link: string;
  qr: string;
  png: string;
  expiresAt: Time;
};

/** conversations.list */
export type ConversationsListParams = Record<string, never>;
export type ConversationsListResult = {
  conversations: Conversation[];
};

/** conversations.setTimer */
export type ConversationsSetTimerParams = {
  /** The contact's DID. */
  conversation: Person;
  /** 1 to 2592000 (30 days). */
  seconds?: number;
};
export type ConversationsSetTimerResult = {
  conversation: string;
  seconds: number;
};

/** typing.set */
export type TypingSetParams = {
  /** The contact's DID (or @name), or a group id. */
  conversation: string;
  /** true: typing; false: stopped. */
  active: boolean;
};
export type TypingSetResult = Record<string, never>;

/** presence.set */
export type PresenceSetParams = {
  /** online, away, busy or offline. */
  status: "online" | "away" | "busy" | "offline";
};
export type PresenceSetResult = Record<string, never>;

/** presence.get */
export type PresenceGetParams = {
  /** A contact's DID, or ours. */
  did: Person;
};
export type PresenceGetResult = Presence;

/** node.status */
export type NodeStatusParams = Record<string, never>;
export type NodeStatusResult = NodeStatus;

/** node.connect */
export type NodeConnectParams = {
  /** e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW... */
  multiaddr: Multiaddr;
};
export type NodeConnectResult = {
  peerId: PeerID;
};

/** node.peers */
export type NodePeersParams = Record<string, never>;
export type NodePeersResult = {
  peers: Array<{
    peerId: PeerID;
    addrs: Multiaddr[];
    protocols: string[];
    latencyMs: number | null;
  }>;
};

/** username.register */
export type UsernameRegisterParams = {
  /** 3 to 32 of a-z, 0-9 and _, starting with a letter (ASCII only, case-folded; a leading @ is dropped). */
  name: string;
};
export type UsernameRegisterResult = {
  name: string;
  did: DID;
};

/** username.resolve */
export type UsernameResolveParams = {
  /** 3 to 32 of a-z, 0-9 and _, starting with a letter (ASCII only, case-folded; a leading @ is dropped). */
  name: string;
};
export type UsernameResolveResult = {
  name: string;
  did: DID;
  peerIds: PeerID[];
};

/** groups.create */
export type GroupsCreateParams = {
  /** The group's name, 1 to 256 bytes. */
  name: string;
  /** People to add at once: DIDs or @names of contacts (at most 99). */
  members?: Person[];
};
export type GroupsCreateResult = {
  groupId: GroupID;
};

/** groups.invite */
export type GroupsInviteParams = {
  /** The group. */
  groupId: GroupID;
  /** A DID, or the @name of a contact. */
  member: Person;
};
export type GroupsInviteResult = Record<string, never>;

/** groups.remove */
export type GroupsRemoveParams = {
  /** The group. */
  groupId: GroupID;
  /** A DID, or the @name of a contact. */
  member: Person;
};
export type GroupsRemoveResult = Record<string, never>;

/** groups.leave */
export type GroupsLeaveParams = {
  /** The group. */
  groupId: GroupID;
};
export type GroupsLeaveResult = Record<string, never>;

/** groups.members */
export type GroupsMembersParams = {
  /** The group. */
  groupId: GroupID;
};
export type GroupsMembersResult = {
  members: Array<{
    did: DID;
    username?: string;
    nickname?: string;
    self: boolean;
  }>;
};

/** groups.list */
export type GroupsListParams = Record<string, never>;
export type GroupsListResult = {
  groups: Array<{
    groupId: GroupID;
    name: string;
    members: DID[];
    epoch: number;
    active: boolean;
    epochFingerprint: string;
  }>;
};

/** calls.start */
export type CallsStartParams = {
  /** The contact's DID, or @name. */
  peer: Person;
  /** Always true here (the default). */
  audio?: boolean;
  /** Whether to offer video (default false). */
  video?: boolean;
  /** What we send: audio "tone:<hz>" (default tone:440) or "file:<path.wav>" (PCM16, 48 kHz); video "pattern" (default, a moving test picture) or "file:<path.y4m>". */
  source?: {
    audio?: string;
    video?: string;
  };
  /** Where the peer's media goes: audio "file:<path.wav>" or "null" (default); video "file:<path.y4m>", "file:<path.ivf>" or "null" (default). */
  sink?: {
    audio?: string;
    video?: string;
  };
};
export type CallsStartResult = {
  callId: CallID;
};

/** calls.accept */
export type CallsAcceptParams = {
  /** The call. */
  callId: CallID;
  /** What we send: audio "tone:<hz>" (default tone:440) or "file:<path.wav>" (PCM16, 48 kHz); video "pattern" (default, a moving test picture) or "file:<path.y4m>". */
  source?: {
    audio?: string;
    video?: string;
  };
  /** Where the peer's media goes: audio "file:<path.wav>" or "null" (default); video "file:<path.y4m>", "file:<path.ivf>" or "null" (default). */
  sink?: {
    audio?: string;
    video?: string;
  };
};
export type CallsAcceptResult = Record<string, never>;

/** calls.reject */
export type CallsRejectParams = {
  /** The call. */
  callId: CallID;
};
export type CallsRejectResult = Record<string, never>;

/** calls.hangup */
export type CallsHangupParams = {
  /** The call. */
  callId: CallID;
};
export type CallsHangupResult = Record<string, never>;

/** calls.stats */
export type CallsStatsParams = {
  /** The call. */
  callId: CallID;
};
export type CallsStatsResult = {
  state: "ringing" | "connecting" | "active" | "ended";
  rttMs?: number;
  jitterMs: number;
  packetsLost: number;
  bitrateKbps: number;
  codecs: string[];
  audioFrames: number;
  videoFrames: number;
  timing?: {
    startedAtNs: number;
    firstAudioSentAtNs?: number;
    firstSoundAtNs?: number;
    firstAudioSentMs?: number;
    firstAudioPlayedMs?: number;
  };
};

/** calls.list */
export type CallsListParams = Record<string, never>;
export type CallsListResult = {
  calls: Array<{
    callId: CallID;
    peer: DID;
    direction: "outgoing" | "incoming";
    state: "ringing" | "connecting" | "active" | "ended";
    reason?: "hungUp" | "rejected" | "busy" | "noAnswer" | "iceFailed" | "peerGone" | "mediaProcessExited";
    audio: boolean;
    video: boolean;
  }>;
};

/** Each method's params and result, by wire name. */
export interface Methods {
  "engine.info": { params: EngineInfoParams; result: EngineInfoResult };
  "engine.shutdown": { params: EngineShutdownParams; result: EngineShutdownResult };
  "events.replay": { params: EventsReplayParams; result: EventsReplayResult };
  "events.subscribe": { params: EventsSubscribeParams; result: EventsSubscribeResult };
  "rpc.discover": { params: RpcDiscoverParams; result: RpcDiscoverResult };
  "$/cancelRequest": { params: CancelRequestParams; result: CancelRequestResult };
  "identity.create": { params: IdentityCreateParams; result: IdentityCreateResult };
  "identity.recover": { params: IdentityRecoverParams; result: IdentityRecoverResult };
  "identity.unlock": { params: IdentityUnlockParams; result: IdentityUnlockResult };
  "identity.show": { params: IdentityShowParams; result: IdentityShowResult };
  "messages.list": { params: MessagesListParams; result: MessagesListResult };
  "messages.send": { params: MessagesSendParams; result: MessagesSendResult };
  "messages.markRead": { params: MessagesMarkReadParams; result: MessagesMarkReadResult };
  "contacts.add": { params: ContactsAddParams; result: ContactsAddResult };
  "contacts.list": { params: ContactsListParams; result: ContactsListResult };
  "contacts.fingerprint": { params: ContactsFingerprintParams; result: ContactsFingerprintResult };
  "contacts.remove": { params: ContactsRemoveParams; result: ContactsRemoveResult };
  "contacts.block": { params: ContactsBlockParams; result: ContactsBlockResult };
  "contacts.unblock": { params: ContactsUnblockParams; result: ContactsUnblockResult };
  "contacts.invite": { params: ContactsInviteParams; result: ContactsInviteResult };
  "conversations.list": { params: ConversationsListParams; result: ConversationsListResult };
  "conversations.setTimer": { params: ConversationsSetTimerParams; result: ConversationsSetTimerResult };
  "typing.set": { params: TypingSetParams; result: TypingSetResult };
  "presence.set": { params: PresenceSetParams; result: PresenceSetResult };
  "presence.get": { params: PresenceGetParams; result: PresenceGetResult };
  "node.status": { params: NodeStatusParams; result: NodeStatusResult };
  "node.connect": { params: NodeConnectParams; result: NodeConnectResult };
  "node.peers": { params: NodePeersParams; result: NodePeersResult };
  "username.register": { params: UsernameRegisterParams; result: UsernameRegisterResult };
  "username.resolve": { params: UsernameResolveParams; result: UsernameResolveResult };
  "groups.create": { params: GroupsCreateParams; result: GroupsCreateResult };
  "groups.invite": { params: GroupsInviteParams; result: GroupsInviteResult };
  "groups.remove": { params: GroupsRemoveParams; result: GroupsRemoveResult };
  "groups.leave": { params: GroupsLeaveParams; result: GroupsLeaveResult };
  "groups.members": { params: GroupsMembersParams; result: GroupsMembersResult };
  "groups.list": { params: GroupsListParams; result: GroupsListResult };
  "calls.start": { params: CallsStartParams; result: CallsStartResult };
  "calls.accept": { params: CallsAcceptParams; result: CallsAcceptResult };
  "calls.reject": { params: CallsRejectParams; result: CallsRejectResult };
  "calls.hangup": { params: CallsHangupParams; result: CallsHangupResult };
  "calls.stats": { params: CallsStatsParams; result: CallsStatsResult };
  "calls.list": { params: CallsListParams; result: CallsListResult };
}

// -- Notifications

/** Each notification's params, by name. */
export interface Notifications {
  /** Sent first, once, before any request is read. Carries no seq. */
  "engine.ready": {
    version: string;
    protocolVersion: number;
    identity: "none" | "locked" | "ready";
    did?: DID;
  };
  /** The engine cannot start; it exits non-zero after this. Carries no seq. */
  "engine.failed": {
    reason: string;
  };
  /** An identity was created, recovered or unlocked. Persisted; replayable. */
  "identity.changed": {
    seq: number;
    did: DID;
    state: "none" | "locked" | "ready";
  };
  /** The node.status result, when a peer connects or disconnects. Persisted; replayable. */
  "node.status": {
    peerId: PeerID;
    listenAddrs: Multiaddr[];
    connectedPeers: number;
    nat: "unknown" | "public" | "private";
    relays: Multiaddr[];
    dht: {
      enabled: boolean;
      peers: number;
    };
    seq: number;
  };
  /** A direct message arrived; its conversation is the sender's DID. Persisted; replayable. */
  "message.received": {
    seq: number;
    conversation: string;
    message: Message;
  };
  /** A sent message's status changed. Persisted; replayable. */
  "message.status": {
    seq: number;
    id: string;
    conversation: string;
    status: "queued" | "sent" | "delivered" | "read" | "failed";
  };
  /** A contact started or stopped typing. Ephemeral: pushed only, never persisted or replayed, so it has no seq. */
  "typing": {
    conversation: string;
    from: DID;
    active: boolean;
  };
  /** A contact's presence changed: it told us, or its last peer disconnected (offline, with lastSeen). Ephemeral: pushed only, never persisted or replayed, so it has no seq. */
  "presence": {
    did: DID;
    status: "online" | "away" | "busy" | "offline" | "unknown";
    lastSeen?: Time;
  };
  /** A contact changed the disappearing timer of the conversation with us; messages sent from now on live timer seconds after they arrive. Persisted; replayable. */
  "conversation.changed": {
    seq: number;
    conversation: string;
    timer: number;
    by: DID;
  };
  /** Someone who is not a contact wrote to us for the first time (sent once per person). With config contacts.accept: contacts, their messages wait on their side until contacts.add {did} accepts them; with anyone (the default) they arrive and the person becomes a contact. Persisted; replayable. */
  "contact.request": {
    seq: number;
    from: DID;
    username?: string;
  };
  /** A group was created or joined, its members changed (added, removed, changed), or we left it or were removed from it (members empty then). Persisted; replayable. */
  "group.changed": {
    seq: number;
    groupId: GroupID;
    change: "created" | "joined" | "added" | "removed" | "changed" | "left";
    members: DID[];
  };
  /** Someone calls us (answer with calls.accept or calls.reject). Persisted; replayable. */
  "call.incoming": {
    seq: number;
    callId: CallID;
    from: DID;
    audio: boolean;
    video: boolean;
  };
  /** A call's state changed; ended carries the reason. Persisted; replayable. */
  "call.state": {
    seq: number;
    callId: CallID;
    state: "ringing" | "connecting" | "active" | "ended";
    reason?: "hungUp" | "rejected" | "busy" | "noAnswer" | "iceFailed" | "peerGone" | "mediaProcessExited";
  };
}

// -- Errors

export declare const ErrorCode: Readonly<{
  PARSE_ERROR: number;
  INVALID_REQUEST: number;
  METHOD_NOT_FOUND: number;
  INVALID_PARAMS: number;
  INTERNAL_ERROR: number;
  REQUEST_CANCELLED: number;
  NO_IDENTITY: number;
  NOT_FOUND: number;
  UNREACHABLE: number;
  TOO_LARGE: number;
  CONFLICT: number;
  CRYPTO_FAILURE: number;
}>;

export declare const DEFAULT_TIMEOUT_MS: number;

export declare class RPCError extends Error {
  code: number;
  rpcMessage: string;
  data: unknown;
  method: string | undefined;
}

export declare class EngineFailed extends Error {
  reason: string;
  exitCode: number | null | undefined;
}

export declare class EngineClosed extends Error {}

export declare function methodName(wire: string): string;

export interface SpawnOptions {
  args?: string[];
  stderr?: "inherit" | "ignore" | "pipe";
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ReplayedEvent {
  seq: number;
  method: keyof Notifications | string;
  params: Record<string, unknown>;
}

export declare class Engine extends EventEmitter {
  static spawn(enginePath: string, dataDir: string | null, options?: SpawnOptions): Promise<Engine>;
  readonly readyParams: Notifications["engine.ready"] | null;
  lastSeq: number;
  exitCode: number | string | null;
  readonly document: Record<string, unknown> | null;
  call<M extends keyof Methods>(method: M, params?: Methods[M]["params"], options?: { timeoutMs?: number }): Promise<Methods[M]["result"]>;
  call(method: string, params?: Record<string, unknown>, options?: { timeoutMs?: number }): Promise<unknown>;
  notify(method: string, params?: Record<string, unknown>): void;
  waitFor<N extends keyof Notifications>(method: N, predicate?: (params: Notifications[N]) => boolean, options?: { timeoutMs?: number }): Promise<Notifications[N]>;
  events(options?: { after?: number; kinds?: string[] | null; follow?: boolean }): AsyncGenerator<ReplayedEvent, void, undefined>;
  close(options?: { timeoutMs?: number }): Promise<number | string | null>;
  on<N extends keyof Notifications>(event: N, listener: (params: Notifications[N]) => void): this;
  on(event: "notification", listener: (method: string, params: Record<string, unknown>) => void): this;
  on(event: "exit", listener: (code: number | string | null) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;

  /** Version, data directory and identity state. */
  engineInfo(params?: EngineInfoParams): Promise<EngineInfoResult>;
  /** Reply, finish the requests in flight, then exit 0. */
  engineShutdown(params?: EngineShutdownParams): Promise<EngineShutdownResult>;
  /** The persisted events after a sequence number, oldest first. */
  eventsReplay(params: EventsReplayParams): Promise<EventsReplayResult>;
  /** Narrow which notifications are pushed; without kinds, all are. */
  eventsSubscribe(params?: EventsSubscribeParams): Promise<EventsSubscribeResult>;
  /** This OpenRPC document. */
  rpcDiscover(params?: RpcDiscoverParams): Promise<RpcDiscoverResult>;
  /** Cancel a request in flight (normally sent as a notification); it is answered with -32800. */
  cancelRequest(params: CancelRequestParams): Promise<CancelRequestResult>;
  /** Create a new identity. The 24-word mnemonic is returned this once and never stored in clear. */
  identityCreate(params?: IdentityCreateParams): Promise<IdentityCreateResult>;
  /** Restore the identity of a 24-word mnemonic: the same DID as identity.create gave. */
  identityRecover(params: IdentityRecoverParams): Promise<IdentityRecoverResult>;
  /** Unlock a passphrase-protected identity. */
  identityUnlock(params: IdentityUnlockParams): Promise<IdentityUnlockResult>;
  /** The public facts of the identity. */
  identityShow(params?: IdentityShowParams): Promise<IdentityShowResult>;
  /** A page of a conversation's messages, newest first. Pages never skip or repeat. */
  messagesList(params: MessagesListParams): Promise<MessagesListResult>;
  /** Store a text with its outbox item in one transaction and answer queued at once (so a burst of sends is pipelined); the conversation's queue is then encrypted with Olm and sent in order over /variance/dm/1.0.0, kept across restarts and retried with backoff and whenever the contact's peer connects. message.status reports sent (the contact's node took it), delivered (its delivery receipt) and read. */
  messagesSend(params: MessagesSendParams): Promise<MessagesSendResult>;
  /** Mark the incoming messages of a conversation up to and including a message read: the unread count becomes the number of incoming messages newer than it, and a read receipt is queued for the contact through the outbox; on its side, its messages up to the newest one read get message.status read. */
  messagesMarkRead(params: MessagesMarkReadParams): Promise<MessagesMarkReadResult>;
  /** Add or update a contact. With multiaddr, dial it and fetch the contact's signed identity record from that peer over /variance/identity/1.0.0; it must verify against the DID and name that peer. Or from an invite: {invite, nickname?} verifies the signed variance://invite/ link (an altered one is -32006, an expired or malformed one -32602) and does the same at the addresses it names. Or by name: {username, nickname?} resolves the name in the DHT (-32002 when no one holds it), finds its peer and does the same. */
  contactsAdd(params?: ContactsAddParams): Promise<ContactsAddResult>;
  /** Every contact. */
  contactsList(params?: ContactsListParams): Promise<ContactsListResult>;
  /** The safety number shared with a contact, over both DIDs and both Olm Curve25519 identity keys; both sides compute the same digits. */
  contactsFingerprint(params: ContactsFingerprintParams): Promise<ContactsFingerprintResult>;
  /** Removes a contact; its conversation and messages stay. */
  contactsRemove(params: ContactsRemoveParams): Promise<ContactsRemoveResult>;
  /** Blocks a contact: its direct messages are refused (no event) until unblocked. */
  contactsBlock(params: ContactsBlockParams): Promise<ContactsBlockResult>;
  /** Unblocks a contact: its direct messages are accepted again. */
  contactsUnblock(params: ContactsUnblockParams): Promise<ContactsUnblockResult>;
  /** A signed variance://invite/ link naming our DID, our node's peer ID and its listen addresses, valid for expiresIn seconds (default 7 days), with its QR code as terminal text (light modules drawn, for light-on-dark terminals) and as a PNG (base64). Whoever has it can add us with contacts.add {invite}. */
  contactsInvite(params?: ContactsInviteParams): Promise<ContactsInviteResult>;
  /** Every conversation, most recently active first, with its newest message and the number of incoming messages not yet read. */
  conversationsList(params?: ConversationsListParams): Promise<ConversationsListResult>;
  /** Set the disappearing timer of the conversation with a contact: messages sent from now on disappear this many seconds after they arrive, on both sides (the contact is told through the outbox, in order with the messages around it, and gets conversation.changed). Without seconds: back to the 30-day default. */
  conversationsSetTimer(params: ConversationsSetTimerParams): Promise<ConversationsSetTimerResult>;
  /** Tell a contact we started or stopped typing; it gets a typing notification. Best effort and never queued: nothing is sent when no peer of the contact is connected, or when it is blocked. Receivers should treat active as stale after 15 s without a refresh. */
  typingSet(params: TypingSetParams): Promise<TypingSetResult>;
  /** Set our presence and tell every connected, unblocked contact (and each contact whose peer connects later). offline is invisible: contacts are told offline and nothing more. */
  presenceSet(params: PresenceSetParams): Promise<PresenceSetResult>;
  /** A contact's presence as it last told us (offline, with lastSeen, once its last peer disconnected; unknown when it told us nothing yet), or ours for our own DID. */
  presenceGet(params: PresenceGetParams): Promise<PresenceGetResult>;
  /** This node's peer ID, listen addresses and connectivity. Starts the node if needed. */
  nodeStatus(params?: NodeStatusParams): Promise<NodeStatusResult>;
  /** Dial a peer over TCP, secure it with Noise and multiplex it with yamux. */
  nodeConnect(params: NodeConnectParams): Promise<NodeConnectResult>;
  /** The connected peers, with their protocols (from Identify) and latency (from Ping). */
  nodePeers(params?: NodePeersParams): Promise<NodePeersResult>;
  /** Claim a username for our DID: a claim signed by the DID key (48 h, renewed every 12 h while the engine runs) is published in the Kademlia DHT under /variance/username/<name>. First come, first served: a name a live claim of another DID holds is -32005. */
  usernameRegister(params: UsernameRegisterParams): Promise<UsernameRegisterResult>;
  /** The DID holding a username and its peer IDs, from the DHT; the claim's signature, name and lifetime are verified (a forged or expired claim is ignored). -32002 when no one holds it. */
  usernameResolve(params: UsernameResolveParams): Promise<UsernameResolveResult>;
  /** Creates an MLS group (RFC 9420, cipher suite 1) with us and the members named, each of whom must be reachable now (their node gives a fresh KeyPackage to contacts only); each gets a Welcome over the direct-message channel. At most 100 members in a group. Emits group.changed (created, then added). */
  groupsCreate(params: GroupsCreateParams): Promise<GroupsCreateResult>;
  /** Adds a person (reachable now) to the group with one commit; they get a Welcome. Any member may add. Emits group.changed (added). */
  groupsInvite(params: GroupsInviteParams): Promise<GroupsInviteResult>;
  /** Removes a member from the group with one commit; they can no longer read what follows. Any member may remove. Emits group.changed (removed). */
  groupsRemove(params: GroupsRemoveParams): Promise<GroupsRemoveResult>;
  /** Leaves the group: a proposal to remove us goes to the members, one of whom commits it. We stop sending and reading there at once; the history stays. Emits group.changed (left). */
  groupsLeave(params: GroupsLeaveParams): Promise<GroupsLeaveResult>;
  /** The group's members, us first. */
  groupsMembers(params: GroupsMembersParams): Promise<GroupsMembersResult>;
  /** Every group we are or were in (active false once we left or were removed). */
  groupsList(params?: GroupsListParams): Promise<GroupsListResult>;
  /** Calls a contact: ICE candidates are gathered, a signed offer goes over the encrypted direct-message channel, and call.state follows (ringing, connecting, active, ended with a reason). Audio is Opus, video VP8, over DTLS-SRTP. One call at a time. */
  callsStart(params: CallsStartParams): Promise<CallsStartResult>;
  /** Accepts the ringing incoming call (call.incoming named it). */
  callsAccept(params: CallsAcceptParams): Promise<CallsAcceptResult>;
  /** Declines the ringing incoming call; the caller's call ends with reason rejected. */
  callsReject(params: CallsRejectParams): Promise<CallsRejectResult>;
  /** Ends a call, or cancels one not yet answered; both sides end with reason hungUp. */
  callsHangup(params: CallsHangupParams): Promise<CallsHangupResult>;
  /** The call's state and media statistics (from RTCP and the receive path). */
  callsStats(params: CallsStatsParams): Promise<CallsStatsResult>;
  /** The live call and the 32 most recent ended ones. */
  callsList(params?: CallsListParams): Promise<CallsListResult>;
}
