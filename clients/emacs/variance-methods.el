;;; variance-methods.el --- generated from rpc-spec/openrpc.json by variance-gen.el  -*- lexical-binding: t; -*-

;;; Commentary:

;; Do not edit: emacs -Q --batch -l clients/emacs/variance-gen.el -f variance-gen-batch

;;; Code:

(require 'cl-lib)
(declare-function variance-call "variance")
(declare-function variance--params "variance")
(declare-function variance--require-param "variance")

(defconst variance-methods
  '(("engine.info" . variance-api-engine-info)
    ("engine.shutdown" . variance-api-engine-shutdown)
    ("events.replay" . variance-api-events-replay)
    ("events.subscribe" . variance-api-events-subscribe)
    ("rpc.discover" . variance-api-rpc-discover)
    ("$/cancelRequest" . variance-api-cancel-request)
    ("identity.create" . variance-api-identity-create)
    ("identity.recover" . variance-api-identity-recover)
    ("identity.unlock" . variance-api-identity-unlock)
    ("identity.show" . variance-api-identity-show)
    ("messages.list" . variance-api-messages-list)
    ("messages.send" . variance-api-messages-send)
    ("messages.markRead" . variance-api-messages-mark-read)
    ("contacts.add" . variance-api-contacts-add)
    ("contacts.list" . variance-api-contacts-list)
    ("contacts.fingerprint" . variance-api-contacts-fingerprint)
    ("contacts.remove" . variance-api-contacts-remove)
    ("contacts.block" . variance-api-contacts-block)
    ("contacts.unblock" . variance-api-contacts-unblock)
    ("contacts.invite" . variance-api-contacts-invite)
    ("conversations.list" . variance-api-conversations-list)
    ("conversations.setTimer" . variance-api-conversations-set-timer)
    ("typing.set" . variance-api-typing-set)
    ("presence.set" . variance-api-presence-set)
    ("presence.get" . variance-api-presence-get)
    ("node.status" . variance-api-node-status)
    ("node.connect" . variance-api-node-connect)
    ("node.peers" . variance-api-node-peers)
    ("username.register" . variance-api-username-register)
    ("username.resolve" . variance-api-username-resolve)
    ("groups.create" . variance-api-groups-create)
    ("groups.invite" . variance-api-groups-invite)
    ("groups.remove" . variance-api-groups-remove)
    ("groups.leave" . variance-api-groups-leave)
    ("groups.members" . variance-api-groups-members)
    ("groups.list" . variance-api-groups-list)
    ("calls.start" . variance-api-calls-start)
    ("calls.accept" . variance-api-calls-accept)
    ("calls.reject" . variance-api-calls-reject)
    ("calls.hangup" . variance-api-calls-hangup)
    ("calls.stats" . variance-api-calls-stats)
    ("calls.list" . variance-api-calls-list))
  "Each method of the engine and the function that calls it.")

(defconst variance-notifications
  '("engine.ready" "engine.failed" "identity.changed" "node.status" "message.received" "message.status" "typing" "presence" "conversation.changed" "contact.request" "group.changed" "call.incoming" "call.state")
  "The notifications the engine sends.")

(defconst variance-error-codes
  '((NoIdentity . -32001) (NotFound . -32002) (Unreachable . -32003) (TooLarge . -32004) (Conflict . -32005) (CryptoFailure . -32006) (InvalidParams . -32602))
  "The engine's error names and codes.")

(cl-defun variance-api-engine-info (conn)
  "Call engine.info with CONN, a `variance-connection'.
Version, data directory and identity state."
  (variance-call conn "engine.info"))

(cl-defun variance-api-engine-shutdown (conn)
  "Call engine.shutdown with CONN, a `variance-connection'.
Reply, finish the requests in flight, then exit 0."
  (variance-call conn "engine.shutdown"))

(cl-defun variance-api-events-replay (conn &key after limit)
  "Call events.replay with CONN, a `variance-connection'.
The persisted events after a sequence number, oldest first.

Keyword arguments:
  :after (required) Return events with seq greater than this (0: from the
    start).
  :limit At most this many events."
  (variance--require-param "events.replay" "after" after)
  (variance-call conn "events.replay" (variance--params (list (cons 'after after) (cons 'limit limit)))))

(cl-defun variance-api-events-subscribe (conn &key kinds)
  "Call events.subscribe with CONN, a `variance-connection'.
Narrow which notifications are pushed; without kinds, all are.

Keyword arguments:
  :kinds Notification names to push."
  (variance-call conn "events.subscribe" (variance--params (list (cons 'kinds kinds)))))

(cl-defun variance-api-rpc-discover (conn)
  "Call rpc.discover with CONN, a `variance-connection'.
This OpenRPC document."
  (variance-call conn "rpc.discover"))

(cl-defun variance-api-cancel-request (conn &key id)
  "Call $/cancelRequest with CONN, a `variance-connection'.
Cancel a request in flight (normally sent as a notification); it is answered
with -32800.

Keyword arguments:
  :id (required) The id of the request to cancel."
  (variance--require-param "$/cancelRequest" "id" id)
  (variance-call conn "$/cancelRequest" (variance--params (list (cons 'id id)))))

(cl-defun variance-api-identity-create (conn &key username passphrase)
  "Call identity.create with CONN, a `variance-connection'.
Create a new identity. The 24-word mnemonic is returned this once and never
stored in clear.

Keyword arguments:
  :username A username to keep with the identity.
  :passphrase Encrypts the identity file (Argon2id + XChaCha20-Poly1305)."
  (variance-call conn "identity.create" (variance--params (list (cons 'username username) (cons 'passphrase passphrase)))))

(cl-defun variance-api-identity-recover (conn &key mnemonic passphrase username)
  "Call identity.recover with CONN, a `variance-connection'.
Restore the identity of a 24-word mnemonic: the same DID as identity.create
gave.

Keyword arguments:
  :mnemonic (required) The words, as an array or one space-separated string.
  :passphrase Encrypts the identity file.
  :username A username to keep with the identity."
  (variance--require-param "identity.recover" "mnemonic" mnemonic)
  (variance-call conn "identity.recover" (variance--params (list (cons 'mnemonic mnemonic) (cons 'passphrase passphrase) (cons 'username username)))))

(cl-defun variance-api-identity-unlock (conn &key passphrase)
  "Call identity.unlock with CONN, a `variance-connection'.
Unlock a passphrase-protected identity.

Keyword arguments:
  :passphrase (required) The passphrase given when the identity was created."
  (variance--require-param "identity.unlock" "passphrase" passphrase)
  (variance-call conn "identity.unlock" (variance--params (list (cons 'passphrase passphrase)))))

(cl-defun variance-api-identity-show (conn)
  "Call identity.show with CONN, a `variance-connection'.
The public facts of the identity."
  (variance-call conn "identity.show"))

(cl-defun variance-api-messages-list (conn &key conversation before limit)
  "Call messages.list with CONN, a `variance-connection'.
A page of a conversation's messages, newest first. Pages never skip or repeat.

Keyword arguments:
  :conversation (required) A DID (direct) or a group id. A contact may be named
    by @name.
  :before The cursor a previous page returned.
  :limit At most this many messages."
  (variance--require-param "messages.list" "conversation" conversation)
  (variance-call conn "messages.list" (variance--params (list (cons 'conversation conversation) (cons 'before before) (cons 'limit limit)))))

(cl-defun variance-api-messages-send (conn &key conversation text reply-to)
  "Call messages.send with CONN, a `variance-connection'.
Store a text with its outbox item in one transaction and answer queued at once
(so a burst of sends is pipelined); the conversation's queue is then encrypted
with Olm and sent in order over /variance/dm/1.0.0, kept across restarts and
retried with backoff and whenever the contact's peer connects. message.status
reports sent (the contact's node took it), delivered (its delivery receipt) and
read.

Keyword arguments:
  :conversation (required) The contact's DID, a group id, or @name: a contact's
    username, or a name registered in the network, which is then looked up and
    added as a contact first (as contacts.add {username} does). In a group the
    text is MLS-encrypted and published on the group's topic; it is delivered
    when every other member sent a receipt, read when every other member read
    it.
  :text (required) The text, 1 to 16384 UTF-8 bytes.
  :reply-to The id of the message this answers (1 to 64 printable ASCII
    characters; a ULID)."
  (variance--require-param "messages.send" "conversation" conversation)
  (variance--require-param "messages.send" "text" text)
  (variance-call conn "messages.send" (variance--params (list (cons 'conversation conversation) (cons 'text text) (cons 'replyTo reply-to)))))

(cl-defun variance-api-messages-mark-read (conn &key conversation up-to)
  "Call messages.markRead with CONN, a `variance-connection'.
Mark the incoming messages of a conversation up to and including a message
read: the unread count becomes the number of incoming messages newer than it,
and a read receipt is queued for the contact through the outbox; on its side,
its messages up to the newest one read get message.status read.

Keyword arguments:
  :conversation (required) The conversation id (the contact's DID, or a group
    id). A contact may be named by @name.
  :up-to (required) The id of the newest message read."
  (variance--require-param "messages.markRead" "conversation" conversation)
  (variance--require-param "messages.markRead" "up-to" up-to)
  (variance-call conn "messages.markRead" (variance--params (list (cons 'conversation conversation) (cons 'upTo up-to)))))

(cl-defun variance-api-contacts-add (conn &key did multiaddr invite username nickname)
  "Call contacts.add with CONN, a `variance-connection'.
Add or update a contact. With multiaddr, dial it and fetch the contact's signed
identity record from that peer over /variance/identity/1.0.0; it must verify
against the DID and name that peer. Or from an invite: {invite, nickname?}
verifies the signed variance://invite/ link (an altered one is -32006, an
expired or malformed one -32602) and does the same at the addresses it
names. Or by name: {username, nickname?} resolves the name in the DHT (-32002
when no one holds it), finds its peer and does the same.

Keyword arguments:
  :did The contact's did:key (unless invite is given).
  :multiaddr Where the contact's node listens.
  :invite A variance://invite/ link from contacts.invite (instead of did and
    multiaddr).
  :username A username (@alice or alice), instead of did: resolved in the DHT,
    its peer found and dialed.
  :nickname Our name for the contact."
  (variance-call conn "contacts.add" (variance--params (list (cons 'did did) (cons 'multiaddr multiaddr) (cons 'invite invite) (cons 'username username) (cons 'nickname nickname)))))

(cl-defun variance-api-contacts-list (conn)
  "Call contacts.list with CONN, a `variance-connection'.
Every contact."
  (variance-call conn "contacts.list"))

(cl-defun variance-api-contacts-fingerprint (conn &key did)
  "Call contacts.fingerprint with CONN, a `variance-connection'.
The safety number shared with a contact, over both DIDs and both Olm Curve25519
identity keys; both sides compute the same digits.

Keyword arguments:
  :did (required) The contact's did:key."
  (variance--require-param "contacts.fingerprint" "did" did)
  (variance-call conn "contacts.fingerprint" (variance--params (list (cons 'did did)))))

(cl-defun variance-api-contacts-remove (conn &key did)
  "Call contacts.remove with CONN, a `variance-connection'.
Removes a contact; its conversation and messages stay.

Keyword arguments:
  :did (required) The contact's did:key."
  (variance--require-param "contacts.remove" "did" did)
  (variance-call conn "contacts.remove" (variance--params (list (cons 'did did)))))

(cl-defun variance-api-contacts-block (conn &key did)
  "Call contacts.block with CONN, a `variance-connection'.
Blocks a contact: its direct messages are refused (no event) until unblocked.

Keyword arguments:
  :did (required) The contact's did:key."
  (variance--require-param "contacts.block" "did" did)
  (variance-call conn "contacts.block" (variance--params (list (cons 'did did)))))

(cl-defun variance-api-contacts-unblock (conn &key did)
  "Call contacts.unblock with CONN, a `variance-connection'.
Unblocks a contact: its direct messages are accepted again.

Keyword arguments:
  :did (required) The contact's did:key."
  (variance--require-param "contacts.unblock" "did" did)
  (variance-call conn "contacts.unblock" (variance--params (list (cons 'did did)))))

(cl-defun variance-api-contacts-invite (conn &key expires-in)
  "Call contacts.invite with CONN, a `variance-connection'.
A signed variance://invite/ link naming our DID, our node's peer ID and its
listen addresses, valid for expiresIn seconds (default 7 days), with its QR
code as terminal text (light modules drawn, for light-on-dark terminals) and as
a PNG (base64). Whoever has it can add us with contacts.add {invite}.

Keyword arguments:
  :expires-in Seconds the invite stays valid, 1 to 2592000 (30 days); default
    604800 (7 days)."
  (variance-call conn "contacts.invite" (variance--params (list (cons 'expiresIn expires-in)))))

(cl-defun variance-api-conversations-list (conn)
  "Call conversations.list with CONN, a `variance-connection'.
Every conversation, most recently active first, with its newest message and the
number of incoming messages not yet read."
  (variance-call conn "conversations.list"))

(cl-defun variance-api-conversations-set-timer (conn &key conversation seconds)
  "Call conversations.setTimer with CONN, a `variance-connection'.
Set the disappearing timer of the conversation with a contact: messages sent
from now on disappear this many seconds after they arrive, on both sides (the
contact is told through the outbox, in order with the messages around it, and
gets conversation.changed). Without seconds: back to the 30-day default.

Keyword arguments:
  :conversation (required) The contact's DID.
  :seconds 1 to 2592000 (30 days)."
  (variance--require-param "conversations.setTimer" "conversation" conversation)
  (variance-call conn "conversations.setTimer" (variance--params (list (cons 'conversation conversation) (cons 'seconds seconds)))))

(cl-defun variance-api-typing-set (conn &key conversation active)
  "Call typing.set with CONN, a `variance-connection'.
Tell a contact we started or stopped typing; it gets a typing
notification. Best effort and never queued: nothing is sent when no peer of the
contact is connected, or when it is blocked. Receivers should treat active as
stale after 15 s without a refresh.

Keyword arguments:
  :conversation (required) The contact's DID (or @name), or a group id.
  :active (required) true: typing; false: stopped."
  (variance--require-param "typing.set" "conversation" conversation)
  (variance--require-param "typing.set" "active" active)
  (variance-call conn "typing.set" (variance--params (list (cons 'conversation conversation) (cons 'active active)))))

(cl-defun variance-api-presence-set (conn &key status)
  "Call presence.set with CONN, a `variance-connection'.
Set our presence and tell every connected, unblocked contact (and each contact
whose peer connects later). offline is invisible: contacts are told offline and
nothing more.

Keyword arguments:
  :status (required) online, away, busy or offline."
  (variance--require-param "presence.set" "status" status)
  (variance-call conn "presence.set" (variance--params (list (cons 'status status)))))

(cl-defun variance-api-presence-get (conn &key did)
  "Call presence.get with CONN, a `variance-connection'.
A contact's presence as it last told us (offline, with lastSeen, once its last
peer disconnected; unknown when it told us nothing yet), or ours for our own
DID.

Keyword arguments:
  :did (required) A contact's DID, or ours."
  (variance--require-param "presence.get" "did" did)
  (variance-call conn "presence.get" (variance--params (list (cons 'did did)))))

(cl-defun variance-api-node-status (conn)
  "Call node.status with CONN, a `variance-connection'.
This node's peer ID, listen addresses and connectivity. Starts the node if
needed."
  (variance-call conn "node.status"))

(cl-defun variance-api-node-connect (conn &key multiaddr)
  "Call node.connect with CONN, a `variance-connection'.
Dial a peer over TCP, secure it with Noise and multiplex it with yamux.

Keyword arguments:
  :multiaddr (required) e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW..."
  (variance--require-param "node.connect" "multiaddr" multiaddr)
  (variance-call conn "node.connect" (variance--params (list (cons 'multiaddr multiaddr)))))

(cl-defun variance-api-node-peers (conn)
  "Call node.peers with CONN, a `variance-connection'.
The connected peers, with their protocols (from Identify) and latency (from
Ping)."
  (variance-call conn "node.peers"))

(cl-defun variance-api-username-register (conn &key name)
  "Call username.register with CONN, a `variance-connection'.
Claim a username for our DID: a claim signed by the DID key (48 h, renewed
every 12 h while the engine runs) is published in the Kademlia DHT under
/variance/username/<name>. First come, first served: a name a live claim of
another DID holds is -32005.

Keyword arguments:
  :name (required) 3 to 32 of a-z, 0-9 and _, starting with a letter (ASCII
    only, case-folded; a leading @ is dropped)."
  (variance--require-param "username.register" "name" name)
  (variance-call conn "username.register" (variance--params (list (cons 'name name)))))

(cl-defun variance-api-username-resolve (conn &key name)
  "Call username.resolve with CONN, a `variance-connection'.
The DID holding a username and its peer IDs, from the DHT; the claim's
signature, name and lifetime are verified (a forged or expired claim is
ignored). -32002 when no one holds it.

Keyword arguments:
  :name (required) 3 to 32 of a-z, 0-9 and _, starting with a letter (ASCII
    only, case-folded; a leading @ is dropped)."
  (variance--require-param "username.resolve" "name" name)
  (variance-call conn "username.resolve" (variance--params (list (cons 'name name)))))

(cl-defun variance-api-groups-create (conn &key name members)
  "Call groups.create with CONN, a `variance-connection'.
Creates an MLS group (RFC 9420, cipher suite 1) with us and the members named,
each of whom must be reachable now (their node gives a fresh KeyPackage to
contacts only); each gets a Welcome over the direct-message channel. At most
100 members in a group. Emits group.changed (created, then added).

Keyword arguments:
  :name (required) The group's name, 1 to 256 bytes.
  :members People to add at once: DIDs or @names of contacts (at most 99)."
  (variance--require-param "groups.create" "name" name)
  (variance-call conn "groups.create" (variance--params (list (cons 'name name) (cons 'members members)))))

(cl-defun variance-api-groups-invite (conn &key group-id member)
  "Call groups.invite with CONN, a `variance-connection'.
Adds a person (reachable now) to the group with one commit; they get a
Welcome. Any member may add. Emits group.changed (added).

Keyword arguments:
  :group-id (required) The group.
  :member (required) A DID, or the @name of a contact."
  (variance--require-param "groups.invite" "group-id" group-id)
  (variance--require-param "groups.invite" "member" member)
  (variance-call conn "groups.invite" (variance--params (list (cons 'groupId group-id) (cons 'member member)))))

(cl-defun variance-api-groups-remove (conn &key group-id member)
  "Call groups.remove with CONN, a `variance-connection'.
Removes a member from the group with one commit; they can no longer read what
follows. Any member may remove. Emits group.changed (removed).

Keyword arguments:
  :group-id (required) The group.
  :member (required) A DID, or the @name of a contact."
  (variance--require-param "groups.remove" "group-id" group-id)
  (variance--require-param "groups.remove" "member" member)
  (variance-call conn "groups.remove" (variance--params (list (cons 'groupId group-id) (cons 'member member)))))

(cl-defun variance-api-groups-leave (conn &key group-id)
  "Call groups.leave with CONN, a `variance-connection'.
Leaves the group: a proposal to remove us goes to the members, one of whom
commits it. We stop sending and reading there at once; the history stays. Emits
group.changed (left).

Keyword arguments:
  :group-id (required) The group."
  (variance--require-param "groups.leave" "group-id" group-id)
  (variance-call conn "groups.leave" (variance--params (list (cons 'groupId group-id)))))

(cl-defun variance-api-groups-members (conn &key group-id)
  "Call groups.members with CONN, a `variance-connection'.
The group's members, us first.

Keyword arguments:
  :group-id (required) The group."
  (variance--require-param "groups.members" "group-id" group-id)
  (variance-call conn "groups.members" (variance--params (list (cons 'groupId group-id)))))

(cl-defun variance-api-groups-list (conn)
  "Call groups.list with CONN, a `variance-connection'.
Every group we are or were in (active false once we left or were removed)."
  (variance-call conn "groups.list"))

(cl-defun variance-api-calls-start (conn &key peer audio video source sink)
  "Call calls.start with CONN, a `variance-connection'.
Calls a contact: ICE candidates are gathered, a signed offer goes over the
encrypted direct-message channel, and call.state follows (ringing, connecting,
active, ended with a reason). Audio is Opus, video VP8, over DTLS-SRTP. One
call at a time.

Keyword arguments:
  :peer (required) The contact's DID, or @name.
  :audio Always true here (the default).
  :video Whether to offer video (default false).
  :source What we send: audio \"tone:<hz>\" (default tone:440) or
    \"file:<path.wav>\" (PCM16, 48 kHz); video \"pattern\" (default, a moving test
    picture) or \"file:<path.y4m>\".
  :sink Where the peer's media goes: audio \"file:<path.wav>\" or \"null\"
    (default); video \"file:<path.y4m>\", \"file:<path.ivf>\" or \"null\" (default)."
  (variance--require-param "calls.start" "peer" peer)
  (variance-call conn "calls.start" (variance--params (list (cons 'peer peer) (cons 'audio audio) (cons 'video video) (cons 'source source) (cons 'sink sink)))))

(cl-defun variance-api-calls-accept (conn &key call-id source sink)
  "Call calls.accept with CONN, a `variance-connection'.
Accepts the ringing incoming call (call.incoming named it).

Keyword arguments:
  :call-id (required) The call.
  :source What we send: audio \"tone:<hz>\" (default tone:440) or
    \"file:<path.wav>\" (PCM16, 48 kHz); video \"pattern\" (default, a moving test
    picture) or \"file:<path.y4m>\".
  :sink Where the peer's media goes: audio \"file:<path.wav>\" or \"null\"
    (default); video \"file:<path.y4m>\", \"file:<path.ivf>\" or \"null\" (default)."
  (variance--require-param "calls.accept" "call-id" call-id)
  (variance-call conn "calls.accept" (variance--params (list (cons 'callId call-id) (cons 'source source) (cons 'sink sink)))))

(cl-defun variance-api-calls-reject (conn &key call-id)
  "Call calls.reject with CONN, a `variance-connection'.
Declines the ringing incoming call; the caller's call ends with reason
rejected.

Keyword arguments:
  :call-id (required) The call."
  (variance--require-param "calls.reject" "call-id" call-id)
  (variance-call conn "calls.reject" (variance--params (list (cons 'callId call-id)))))

(cl-defun variance-api-calls-hangup (conn &key call-id)
  "Call calls.hangup with CONN, a `variance-connection'.
Ends a call, or cancels one not yet answered; both sides end with reason
hungUp.

Keyword arguments:
  :call-id (required) The call."
  (variance--require-param "calls.hangup" "call-id" call-id)
  (variance-call conn "calls.hangup" (variance--params (list (cons 'callId call-id)))))

(cl-defun variance-api-calls-stats (conn &key call-id)
  "Call calls.stats with CONN, a `variance-connection'.
The call's state and media statistics (from RTCP and the receive path).

Keyword arguments:
  :call-id (required) The call."
  (variance--require-param "calls.stats" "call-id" call-id)
  (variance-call conn "calls.stats" (variance--params (list (cons 'callId call-id)))))

(cl-defun variance-api-calls-list (conn)
  "Call calls.list with CONN, a `variance-connection'.
The live call and the 32 most recent ended ones."
  (variance-call conn "calls.list"))

(provide 'variance-methods)
;;; variance-methods.el ends here
