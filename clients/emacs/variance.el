;;; variance.el --- Variance messenger client: talks JSON-RPC to variance-engine  -*- lexical-binding: t; -*-

;; Keywords: comm
;; Package-Requires: ((emacs "27.1"))

;;; Commentary:

;; `variance-engine' is spawned with `make-process' (a pipe; its stderr in a buffer of its
;; own) and driven through Emacs' own jsonrpc.el: a `jsonrpc-process-connection', so
;; JSON-RPC 2.0 with Content-Length framing on its standard input and output (see
;; docs/RPC.md and ../shared/RPC-CONTRACT.md).  The one exception is the engine's
;; greeting, engine.ready or engine.failed, which it writes as an NDJSON line before it
;; has seen a message; `variance-connect' reads that line itself, then leaves the
;; process to jsonrpc.el.  Three layers:
;;
;; - The connection: `variance-connect' starts an engine and returns a
;;   `variance-connection'; `variance-request' sends a request and calls back with its
;;   result or error, `variance-call' waits for it (signalling `variance-rpc-error'),
;;   `variance-close' closes the engine's input and waits for it to exit.  Notifications
;;   run `variance-notification-functions' with (CONNECTION METHOD PARAMS).
;; - One function per method, generated from rpc-spec/openrpc.json into
;;   variance-methods.el: (variance-api-messages-send CONN :conversation DID :text "hi").
;; - Commands: `variance-start', `variance-send-message', and a conversation buffer per
;;   conversation that shows `message.received' as it arrives (`variance-open-conversation').
;;
;; JSON objects arrive as alists with symbol keys, arrays as lists, null as nil and false
;; as :false.  Params are alists (or keyword arguments to the generated functions); give
;; arrays as vectors.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'jsonrpc)

(defgroup variance nil
  "The Variance messenger."
  :group 'comm)

(eval-and-compile
  (defconst variance--directory
    (file-name-directory (or load-file-name byte-compile-current-file buffer-file-name
                             default-directory))
    "Where variance.el lives."))

(defcustom variance-engine-program
  (or (getenv "VARIANCE_ENGINE")
      (let ((built (expand-file-name "../../.build/debug/variance-engine" variance--directory)))
        (and (file-executable-p built) built))
      "variance-engine")
  "The engine binary.
$VARIANCE_ENGINE, else the checkout's debug build, else the one on PATH."
  :type 'string)

(defcustom variance-data-directory nil
  "The engine's data directory for `variance-start' (nil: the engine's default)."
  :type '(choice (const nil) directory))

(defcustom variance-timeout 60
  "Seconds `variance-call' and the start-up wait for the engine."
  :type 'number)

(defvar variance-notification-functions nil
  "Functions called with (CONNECTION METHOD PARAMS) for each notification.")

(defvar variance-exit-functions nil
  "Functions called with (CONNECTION STATUS) when an engine process has exited.")

(defvar variance-current nil
  "The connection `variance-start' made, used by the interactive commands.")

(define-error 'variance-error "Variance")
(define-error 'variance-rpc-error "The engine answered with an error" 'variance-error)
(define-error 'variance-engine-closed "The engine is not running" 'variance-error)
(define-error 'variance-timeout "The engine did not answer in time" 'variance-error)

;; jsonrpc.el reads JSON objects as plists with keyword keys, arrays as vectors and false
;; as :json-false; variance.el has always handed out alists with symbol keys, lists and
;; :false.  These two convert at the boundary.

(defun variance--from-wire (value)
  "VALUE as jsonrpc.el parsed it, as variance.el hands it out."
  (cond ((eq value :json-false) :false)
        ((vectorp value) (mapcar #'variance--from-wire value))
        ((and (consp value) (keywordp (car value)))
         (cl-loop for (key val) on value by #'cddr
                  collect (cons (intern (substring (symbol-name key) 1))
                                (variance--from-wire val))))
        (t value)))

(defun variance--to-wire (value)
  "VALUE (alists, vectors, :false) as jsonrpc.el serializes it."
  (cond ((eq value :false) :json-false)
        ((vectorp value) (vconcat (mapcar #'variance--to-wire value)))
        ((and (consp value) (consp (car value)))
         (mapcar (lambda (pair) (cons (car pair) (variance--to-wire (cdr pair)))) value))
        (t value)))

(cl-defstruct (variance-connection (:constructor variance--make-connection))
  "A running engine: its process, its `jsonrpc-process-connection', its start-up."
  process
  jsonrpc
  ready
  failed
  exit-status)

;;;; The connection

(cl-defun variance-connect (&key (program variance-engine-program) data-dir args name)
  "Start PROGRAM with --data-dir DATA-DIR and ARGS; return a `variance-connection'.
The engine is driven through a `jsonrpc-process-connection' (Content-Length
framing).  Waits (up to `variance-timeout' seconds) for `engine.ready'; signals
`variance-error' if the engine sent `engine.failed' or exited instead.  The
engine's standard error goes to the buffer \"*variance-engine stderr*\" (NAME,
when given, is added to the process and buffer names)."
  (let* ((label (if name (format "variance-engine %s" name) "variance-engine"))
         (conn (variance--make-connection))
         (stderr-name (format "*%s stderr*" label))
         (stderr (get-buffer-create stderr-name))
         (process
          (make-process
           :name label
           :command (append (list program)
                            (and data-dir (list "--data-dir" (expand-file-name data-dir)))
                            args)
           :connection-type 'pipe
           :coding 'utf-8-emacs-unix
           :noquery t
           :stderr stderr))
         (jsonrpc (make-instance
                   'jsonrpc-process-connection
                   :name label
                   :process process
                   :events-buffer-scrollback-size 0
                   :notification-dispatcher
                   (lambda (_jsonrpc method params)
                     (variance--notification conn (symbol-name method)
                                             (variance--from-wire params)))
                   :on-shutdown (lambda (_jsonrpc) (variance--shutdown conn process)))))
    ;; The engine greets with engine.ready (or engine.failed) as one NDJSON line, before
    ;; it has seen a message and so before it knows which framing we speak; everything
    ;; after our first (Content-Length) request comes back Content-Length framed.  Read
    ;; that line here, then hand the process to jsonrpc.el's own filter.
    (let ((greeting ""))
      (set-process-filter
       process
       (lambda (proc output)
         (setq greeting (concat greeting output))
         (when-let ((newline (cl-position ?\n greeting)))
           (set-process-filter proc #'jsonrpc--process-filter)
           (let ((line (substring greeting 0 newline))
                 (rest (substring greeting (1+ newline))))
             (condition-case err
                 (jsonrpc-connection-receive
                  jsonrpc (json-parse-string line :object-type 'plist :null-object nil
                                             :false-object :json-false))
               (json-error (message "variance: the engine's greeting is not JSON: %S" err)))
             (unless (string-empty-p rest)
               (jsonrpc--process-filter proc rest)))))))
    ;; jsonrpc.el hides the stderr buffer (" *NAME stderr*"); keep it where it was.
    (with-current-buffer stderr
      (unless (equal (buffer-name) stderr-name)
        (when-let ((old (get-buffer stderr-name))) (kill-buffer old))
        (rename-buffer stderr-name)))
    (setf (variance-connection-process conn) process
          (variance-connection-jsonrpc conn) jsonrpc)
    (variance--wait conn (lambda () (or (variance-connection-ready conn)
                                        (variance-connection-failed conn)
                                        (variance-connection-exit-status conn)))
                    "engine.ready")
    (cond ((variance-connection-failed conn)
           (signal 'variance-error (list "engine.failed" (variance-connection-failed conn))))
          ((not (variance-connection-ready conn))
           (signal 'variance-engine-closed
                   (list (format "the engine exited (status %s) before engine.ready"
                                 (variance-connection-exit-status conn))))))
    conn))

(defun variance-live-p (conn)
  "Whether CONN's engine is still running."
  (process-live-p (variance-connection-process conn)))

(defun variance--wait (conn predicate what &optional timeout)
  "Process output until PREDICATE is non-nil; return its value.
Signals `variance-timeout' after TIMEOUT (default `variance-timeout') seconds
waiting for WHAT."
  (let ((deadline (+ (float-time) (or timeout variance-timeout)))
        (process (variance-connection-process conn))
        value)
    (while (not (setq value (funcall predicate)))
      (when (> (float-time) deadline)
        (signal 'variance-timeout (list what)))
      (accept-process-output (and (process-live-p process) process) 0.1))
    value))

(defun variance--notification (conn method params)
  "Act on the notification METHOD with PARAMS from CONN's engine."
  (pcase method
    ("engine.ready" (setf (variance-connection-ready conn) (or params t)))
    ("engine.failed" (setf (variance-connection-failed conn) params)))
  (run-hook-with-args 'variance-notification-functions conn method params))

(defun variance--shutdown (conn process)
  "When PROCESS, CONN's engine, has exited: run `variance-exit-functions'.
jsonrpc.el has already failed the requests in flight."
  (setf (variance-connection-exit-status conn) (process-exit-status process))
  (run-hook-with-args 'variance-exit-functions conn (process-exit-status process)))

(cl-defun variance-request (conn method &optional params &key success error)
  "Send METHOD with PARAMS (an alist, or nil) to CONN's engine; return its id.
SUCCESS is called with the result, ERROR with the error object (an alist with
code, message and perhaps data); either may be nil.  Sent with
`jsonrpc-async-request', without jsonrpc.el's own timeout."
  (unless (variance-live-p conn)
    (signal 'variance-engine-closed (list method)))
  (let ((jsonrpc (variance-connection-jsonrpc conn))
        (process (variance-connection-process conn)))
    (jsonrpc-async-request
     ;; The engine wants an object or nothing; jsonrpc.el always sends params.
     jsonrpc (intern method) (or (variance--to-wire params) (make-hash-table))
     :timeout nil
     :success-fn (lambda (result) (funcall (or success #'ignore) (variance--from-wire result)))
     :error-fn (lambda (err)
                 (funcall (or error #'ignore)
                          (if (process-live-p process)
                              (variance--from-wire err)
                            '((code . -32000)
                              (message . "The engine exited before answering."))))))
    ;; jsonrpc.el numbers requests 1, 2, ...; this one took the last number.
    (jsonrpc--next-request-id jsonrpc)))

(defun variance-call (conn method &optional params timeout)
  "Send METHOD with PARAMS to CONN's engine; wait for and return the result.
Signals `variance-rpc-error' with (CODE MESSAGE DATA METHOD) when the engine
answers with an error, `variance-timeout' after TIMEOUT (default
`variance-timeout') seconds."
  (let* ((done nil) (result nil) (failure nil))
    (variance-request conn method params
                      :success (lambda (value) (setq result value done t))
                      :error (lambda (err) (setq failure err done t)))
    (variance--wait conn (lambda () done) method timeout)
    (when failure
      (signal 'variance-rpc-error (list (alist-get 'code failure) (alist-get 'message failure)
                                        (alist-get 'data failure) method)))
    result))

(defun variance-notify (conn method &optional params)
  "Send METHOD with PARAMS to CONN's engine as a notification (no reply)."
  (jsonrpc-notify (variance-connection-jsonrpc conn) (intern method)
                  (or (variance--to-wire params) (make-hash-table))))

(defun variance-close (conn &optional timeout)
  "Close CONN's engine's input and wait for it to exit; return its exit status."
  (let ((process (variance-connection-process conn)))
    (when (process-live-p process)
      (process-send-eof process)
      (condition-case nil
          (variance--wait conn (lambda () (not (process-live-p process))) "the engine to exit" timeout)
        (variance-timeout (delete-process process))))
    ;; The sentinel may not have run yet.
    (variance--wait conn (lambda () (variance-connection-exit-status conn)) "the sentinel" 5)
    (variance-connection-exit-status conn)))

(defun variance-wait-notification (conn method &optional predicate timeout)
  "Wait for a notification METHOD from CONN whose params satisfy PREDICATE.
Return its params.  Only notifications arriving after the call are seen; TIMEOUT
defaults to `variance-timeout'."
  (let* ((seen nil)
         (hook (lambda (from got params)
                 (when (and (not seen) (eq from conn) (equal got method)
                            (or (null predicate) (funcall predicate params)))
                   (setq seen (list params))))))
    (add-hook 'variance-notification-functions hook)
    (unwind-protect
        (car (variance--wait conn (lambda () seen) method timeout))
      (remove-hook 'variance-notification-functions hook))))

(defun variance--params (pairs)
  "The params alist of PAIRS ((wireName . value) ...) without the nil values."
  (cl-remove-if (lambda (pair) (null (cdr pair))) pairs))

(defun variance--require-param (method name value)
  "Signal an error if the required param NAME of METHOD has no VALUE."
  (unless value
    (signal 'wrong-type-argument (list (format "%s needs :%s" method name)))))

(require 'variance-methods (expand-file-name "variance-methods" variance--directory))

;;;; Conversation buffers

(defvar-local variance-conversation nil
  "The conversation (a DID or group id) a conversation buffer shows.")

(defvar-local variance-buffer-connection nil
  "The connection a conversation buffer belongs to.")

(defvar variance-conversation-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "m") #'variance-send-message)
    (define-key map (kbd "RET") #'variance-send-message)
    map)
  "Keys in a conversation buffer.")

(define-derived-mode variance-conversation-mode special-mode "Variance"
  "A conversation: messages as they arrive, oldest first.
\\<variance-conversation-mode-map>\\[variance-send-message] sends one."
  (setq-local truncate-lines nil))

(defun variance--short (did)
  "DID shortened for display."
  (if (and (stringp did) (> (length did) 24))
      (concat (substring did 0 16) "…" (substring did -6))
    did))

(defun variance-conversation-buffer (conn conversation)
  "The buffer showing CONVERSATION on CONN, made if needed."
  (let ((buffer (get-buffer-create (format "*variance %s*" (variance--short conversation)))))
    (with-current-buffer buffer
      (unless (derived-mode-p 'variance-conversation-mode)
        (variance-conversation-mode))
      (setq variance-conversation conversation
            variance-buffer-connection conn))
    buffer))

(defun variance-open-conversation (conversation &optional conn)
  "Show the buffer of CONVERSATION (a DID, @name or group id) on CONN.
CONN defaults to the current connection.  A new buffer starts with the
conversation's last 50 messages (messages.list); later ones arrive by
themselves."
  (interactive (list (read-string "Conversation (DID, @name or group id): ")))
  (let* ((conn (or conn (variance--connection)))
         (fresh (not (get-buffer (format "*variance %s*" (variance--short conversation)))))
         (buffer (variance-conversation-buffer conn conversation)))
    (when fresh
      (dolist (message (reverse (alist-get 'messages (variance-api-messages-list
                                                      conn :conversation conversation
                                                      :limit 50))))
        (let-alist message
          (variance--insert-line buffer (if (equal .status "received") (variance--short .from) "me")
                                 .text))))
    (pop-to-buffer buffer)
    buffer))

(defun variance--insert-line (buffer from text)
  "Append FROM: TEXT to BUFFER."
  (with-current-buffer buffer
    (let ((inhibit-read-only t)
          (at-end (= (point) (point-max))))
      (save-excursion
        (goto-char (point-max))
        (insert (propertize (format "%s: " from) 'face 'bold) text "\n"))
      (when at-end (goto-char (point-max))))))

(defun variance--show-received (conn method params)
  "On `message.received' from CONN, append the message to its buffer.
METHOD and PARAMS are the notification's."
  (when (equal method "message.received")
    (let-alist params
      (variance--insert-line (variance-conversation-buffer conn .conversation)
                             (variance--short .message.from) .message.text))))

(add-hook 'variance-notification-functions #'variance--show-received)

(defun variance--show-typing (_conn method params)
  "On `typing', show in the conversation's buffer (if any) who is typing.
METHOD and PARAMS are the notification's."
  (when (equal method "typing")
    (let-alist params
      (when-let ((buffer (get-buffer (format "*variance %s*" (variance--short .conversation)))))
        (with-current-buffer buffer
          (setq header-line-format
                (and (not (eq .active :false)) .active
                     (format "%s is typing…" (variance--short .from))))
          (force-mode-line-update))))))

(add-hook 'variance-notification-functions #'variance--show-typing)

;;;; The conversation list

(defvar-local variance--list-connection nil
  "The connection a conversation list shows.")

(defvar variance-conversations-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "RET") #'variance-conversations-open)
    map)
  "Keys in the conversation list.")

(define-derived-mode variance-conversations-mode tabulated-list-mode "Variance conversations"
  "Every conversation, most recently active first.
\\<variance-conversations-mode-map>\\[variance-conversations-open] opens one; \\[revert-buffer] refreshes."
  (setq tabulated-list-format [("Conversation" 30 nil) ("Unread" 6 nil) ("Last message" 0 nil)])
  (setq tabulated-list-padding 1)
  (add-hook 'tabulated-list-revert-hook #'variance--conversations-refresh nil t)
  (tabulated-list-init-header))

(defun variance--conversations-entries (conversations)
  "Tabulated list entries of CONVERSATIONS (from conversations.list)."
  (mapcar (lambda (conversation)
            (let-alist conversation
              (list .id (vector (or .title (variance--short .id))
                                (number-to-string (or .unread 0))
                                (or .lastMessage.text "")))))
          conversations))

(defun variance--conversations-refresh ()
  "Fill the conversation list from conversations.list (waits for the answer)."
  (setq tabulated-list-entries
        (variance--conversations-entries
         (alist-get 'conversations (variance-api-conversations-list variance--list-connection)))))

(defun variance-conversations (&optional conn)
  "Show the conversation list of CONN (default: the current connection)."
  (interactive)
  (let ((conn (or conn (variance--connection)))
        (buffer (get-buffer-create "*variance conversations*")))
    (with-current-buffer buffer
      (variance-conversations-mode)
      (setq variance--list-connection conn)
      (variance--conversations-refresh)
      (tabulated-list-print))
    (pop-to-buffer buffer)
    buffer))

(defun variance-conversations-open ()
  "Open the conversation on this line of the conversation list."
  (interactive)
  (when-let ((id (tabulated-list-get-id)))
    (variance-open-conversation id variance--list-connection)))

(defun variance--update-conversations (conn method _params)
  "On a new message on CONN, refresh CONN's conversation list if it is shown.
Asynchronous: notifications arrive in a process filter, which must not wait.
METHOD is the notification's."
  (when-let ((buffer (get-buffer "*variance conversations*")))
    (when (and (member method '("message.received" "message.status" "conversation.changed"))
               (eq (buffer-local-value 'variance--list-connection buffer) conn))
      (variance-request conn "conversations.list" nil
                        :success (lambda (result)
                                   (when (buffer-live-p buffer)
                                     (with-current-buffer buffer
                                       (setq tabulated-list-entries
                                             (variance--conversations-entries
                                              (alist-get 'conversations result)))
                                       (tabulated-list-print t))))))))

(add-hook 'variance-notification-functions #'variance--update-conversations)

;;;; Commands

(defun variance--connection ()
  "The current connection, or an error saying how to make one."
  (or (and variance-buffer-connection (variance-live-p variance-buffer-connection)
           variance-buffer-connection)
      (and variance-current (variance-live-p variance-current) variance-current)
      (user-error "No engine is running; M-x variance-start")))

(defun variance-start (&optional data-dir)
  "Start the engine for the commands, on DATA-DIR.
DATA-DIR defaults to `variance-data-directory'; with a prefix argument, ask."
  (interactive (list (if current-prefix-arg
                         (read-directory-name "Data directory: ")
                       variance-data-directory)))
  (when (and variance-current (variance-live-p variance-current))
    (user-error "The engine is running already; M-x variance-stop first"))
  (setq variance-current (variance-connect :data-dir data-dir))
  (let-alist (variance-connection-ready variance-current)
    (message "variance: engine %s ready; identity %s" .version .identity))
  variance-current)

(defun variance-stop ()
  "Close the engine `variance-start' started."
  (interactive)
  (when variance-current
    (variance-close variance-current)
    (setq variance-current nil)))

(defun variance-send-message (conversation text &optional conn)
  "Send TEXT to CONVERSATION (a DID, @name or group id) on CONN.
CONN defaults to the current connection.  In a conversation buffer, asks only
for the text.  Returns the result of messages.send (the message id and its
status) and appends the message to the conversation's buffer."
  (interactive
   (let ((conversation (or variance-conversation
                           (read-string "To (DID, @name or group id): "))))
     (list conversation (read-string (format "Message to %s: " (variance--short conversation))))))
  (let* ((conn (or conn (variance--connection)))
         (result (variance-api-messages-send conn :conversation conversation :text text)))
    (variance--insert-line (variance-conversation-buffer conn conversation) "me" text)
    result))

(provide 'variance)
;;; variance.el ends here
