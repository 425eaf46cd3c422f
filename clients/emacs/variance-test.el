;;; variance-test.el --- ERT tests of variance.el against the real engine  -*- lexical-binding: t; -*-

;;; Commentary:

;;   emacs -Q --batch -L clients/emacs -l clients/emacs/variance-test.el -f ert-run-tests-batch-and-exit
;;
;; (clients/emacs/test.sh does that and prints "N passed, M failed".)  The engine is
;; $VARIANCE_ENGINE, else the checkout's .build/debug/variance-engine.  Every wait is for a
;; reply, a notification or an exit, bounded by `variance-timeout' (60 s).

;;; Code:

(require 'ert)
(require 'help)
(require 'cl-lib)
(require 'variance)
(require 'variance-gen)

(defmacro variance-test-with-dirs (names &rest body)
  "Bind each of NAMES to a fresh temporary directory around BODY.
The directories are deleted afterwards."
  (declare (indent 1))
  `(let ,(mapcar (lambda (name) `(,name (make-temp-file ,(format "variance-%s-" name) t))) names)
     (unwind-protect (progn ,@body)
       ,@(mapcar (lambda (name) `(delete-directory ,name t)) names))))

(defmacro variance-test-with-engines (bindings &rest body)
  "BINDINGS are (VAR DATA-DIR ARGS...): connect each engine, run BODY, close all.
Each must exit with status 0."
  (declare (indent 1))
  `(let ,(mapcar #'car bindings)
     (unwind-protect
         (progn
           ,@(mapcar (lambda (b) `(setq ,(car b) (variance-connect :data-dir ,(cadr b)
                                                                   :args (list ,@(cddr b))
                                                                   :name ,(symbol-name (car b)))))
                     bindings)
           ,@body
           ,@(mapcar (lambda (b) `(should (equal (variance-close ,(car b)) 0))) bindings))
       ,@(mapcar (lambda (b) `(when (and ,(car b) (variance-live-p ,(car b)))
                                (delete-process (variance-connection-process ,(car b)))))
                 bindings))))

(defun variance-test-wait-for-text (buffer text)
  "Wait until BUFFER contains TEXT (processing every process's output)."
  (let ((deadline (+ (float-time) variance-timeout)))
    (while (not (with-current-buffer buffer
                  (save-excursion (goto-char (point-min)) (search-forward text nil t))))
      (when (> (float-time) deadline)
        (ert-fail (format "%S never appeared in %s: %S" text buffer
                          (with-current-buffer buffer (buffer-string)))))
      (accept-process-output nil 0.1))))

;;;; Against the spec

(ert-deftest variance-methods-file-is-current ()
  "variance-methods.el is what variance-gen.el makes of rpc-spec/openrpc.json today."
  (unless (equal (with-temp-buffer
                   (insert-file-contents variance-gen-output-file)
                   (buffer-string))
                 (variance-gen-source))
    (ert-fail (concat "clients/emacs/variance-methods.el is stale: run "
                      "emacs -Q --batch -l clients/emacs/variance-gen.el -f variance-gen-batch"))))

(ert-deftest variance-wrappers-are-the-specs-methods ()
  "One function per documented method, with the documented params as keywords."
  (let ((spec (variance-gen-read-spec)))
    (should (equal (mapcar #'car variance-methods)
                   (mapcar (lambda (m) (alist-get 'name m)) (alist-get 'methods spec))))
    (dolist (method (alist-get 'methods spec))
      (let* ((function (cdr (assoc (alist-get 'name method) variance-methods)))
             ;; cl-defun keeps the keyword signature in the docstring: (fn CONN &key A B).
             (usage (car (help-split-fundoc (documentation function 'raw) function)))
             (arglist (if usage
                          (cdr (car (read-from-string (downcase usage))))
                        (help-function-arglist function t)))
             (keys (cdr (memq '&key arglist))))
        (should (fboundp function))
        (should (eq (car arglist) 'conn))
        (should (equal (mapcar #'symbol-name keys)
                       (mapcar (lambda (p) (variance-gen-kebab (alist-get 'name p)))
                               (alist-get 'params method))))))
    (should (equal variance-notifications
                   (mapcar (lambda (n) (alist-get 'name n)) (alist-get 'x-notifications spec))))
    (should (equal (mapcar #'cdr variance-error-codes)
                   (mapcar (lambda (e) (alist-get 'code (cdr e)))
                           (alist-get 'errors (alist-get 'components spec)))))))

(ert-deftest variance-required-params-are-checked-before-sending ()
  (should-error (variance-api-messages-send 'not-a-connection :text "no conversation")
                :type 'wrong-type-argument))

;;;; Against the engine

(ert-deftest variance-identity-create-and-show ()
  (variance-test-with-dirs (alice)
    (variance-test-with-engines ((engine alice))
      (should (equal (alist-get 'identity (variance-connection-ready engine)) "none"))
      (let ((info (variance-api-engine-info engine)))
        (should (equal (alist-get 'identity info) "none"))
        (should (equal (alist-get 'dataDir info) (expand-file-name alice))))
      (let* ((changed nil)
             (hook (lambda (conn method params)
                     (when (and (eq conn engine) (equal method "identity.changed"))
                       (setq changed params)))))
        (add-hook 'variance-notification-functions hook)
        (unwind-protect
            (let ((created (variance-api-identity-create engine :username "alice")))
              (should (string-prefix-p "did:key:z6Mk" (alist-get 'did created)))
              (should (= (length (alist-get 'mnemonic created)) 24))
              (let ((shown (variance-api-identity-show engine)))
                (should (equal (alist-get 'did shown) (alist-get 'did created)))
                (should (equal (alist-get 'username shown) "alice")))
              ;; The notification went to the hook, with its seq.
              (variance--wait engine (lambda () changed) "identity.changed")
              (should (equal (alist-get 'did changed) (alist-get 'did created)))
              (should (equal (alist-get 'seq changed) 1)))
          (remove-hook 'variance-notification-functions hook))))))

(ert-deftest variance-wire-is-jsonrpc-el-content-length ()
  "The transport is jsonrpc.el: requests go out Content-Length framed, replies are
read by jsonrpc.el's filter (which only understands Content-Length), non-ASCII
text included (the length counts bytes)."
  (variance-test-with-dirs (dir)
    (variance-test-with-engines ((engine dir))
      (let ((jsonrpc (variance-connection-jsonrpc engine))
            (sent nil))
        (should (cl-typep jsonrpc 'jsonrpc-process-connection))
        (should (eq (jsonrpc--process jsonrpc) (variance-connection-process engine)))
        (should (eq (process-filter (variance-connection-process engine))
                    #'jsonrpc--process-filter))
        ;; The engine's stderr is in its own buffer, not in the JSON stream.
        (should (buffer-live-p (get-buffer "*variance-engine engine stderr*")))
        (let ((record (lambda (process string)
                        (when (eq process (variance-connection-process engine))
                          (push string sent)))))
          (advice-add 'process-send-string :before record)
          (unwind-protect
              (let ((info (variance-call engine "engine.info")))
                (should (equal (alist-get 'dataDir info) (expand-file-name dir))))
            (advice-remove 'process-send-string record)))
        (should (= (length sent) 1))
        (should (string-match "\\`Content-Length: \\([0-9]+\\)\r\n\r\n" (car sent)))
        (let ((body (substring (car sent) (match-end 0))))
          (should (= (string-to-number (match-string 1 (car sent))) (string-bytes body)))
          (should (equal (alist-get 'method (json-parse-string body :object-type 'alist))
                         "engine.info")))
        ;; Non-ASCII both ways: the engine echoes the unknown method's name.
        (let ((err (should-error (variance-call engine "no.such.método") :type 'variance-rpc-error)))
          (should (equal (nth 1 err) -32601))
          (should (string-match-p "método" (nth 2 err))))))))

(ert-deftest variance-errors-signal-with-code-and-message ()
  (variance-test-with-dirs (dir)
    (variance-test-with-engines ((engine dir))
      (let ((err (should-error (variance-api-identity-show engine) :type 'variance-rpc-error)))
        (should (equal (nth 1 err) -32001))
        (should (string-match-p "identity.create" (nth 2 err))))
      (let ((err (should-error (variance-call engine "no.such.method") :type 'variance-rpc-error)))
        (should (equal (nth 1 err) -32601))
        (should (string-match-p "no.such.method" (nth 2 err))))
      (let ((err (should-error (variance-api-identity-create engine :username "Not Valid!")
                               :type 'variance-rpc-error)))
        (should (equal (nth 1 err) -32602))
        (should (equal (alist-get 'field (nth 3 err)) "username")))
      ;; Still usable after errors.
      (should (alist-get 'did (variance-api-identity-create engine))))))

(ert-deftest variance-concurrent-requests-get-their-own-answers ()
  (variance-test-with-dirs (dir)
    (variance-test-with-engines ((engine dir))
      (let ((answers nil) (errors nil))
        (dotimes (_ 20)
          (variance-request engine "engine.info" nil
                            :success (lambda (result) (push result answers))))
        (variance-request engine "no.such.method" nil :error (lambda (e) (push e errors)))
        (variance--wait engine (lambda () (and (= (length answers) 20) errors)) "21 answers")
        (should (cl-every (lambda (r) (equal (alist-get 'dataDir r) (expand-file-name dir))) answers))
        (should (equal (alist-get 'code (car errors)) -32601))))))

(ert-deftest variance-two-engines-exchange-messages ()
  "bob sends alice a message with `variance-send-message'; it shows in alice's
conversation buffer; her reply shows in his."
  (variance-test-with-dirs (alice-dir bob-dir)
    (variance-test-with-engines ((alice alice-dir "--listen" "/ip4/127.0.0.1/tcp/0")
                                 (bob bob-dir))
      (let* ((alice-did (alist-get 'did (variance-api-identity-create alice :username "alice")))
             (bob-did (alist-get 'did (variance-api-identity-create bob :username "bob")))
             (status (variance-api-node-status alice))
             (address (car (alist-get 'listenAddrs status))))
        (should address)
        (should (equal (alist-get 'did (alist-get 'contact (variance-api-contacts-add
                                                             bob :did alice-did :multiaddr address)))
                       alice-did))
        (let ((sent (variance-send-message alice-did "hello alice" bob)))
          (should (equal (alist-get 'status sent) "queued"))
          (let ((alice-buffer (variance-conversation-buffer alice bob-did)))
            (variance-test-wait-for-text alice-buffer "hello alice")
            ;; The conversation list shows it.
            (with-current-buffer (variance-conversations alice)
              (should (derived-mode-p 'variance-conversations-mode))
              (should (string-match-p "hello alice" (buffer-string))))
            ;; Typing shows in the conversation's header line.
            (variance-api-typing-set bob :conversation alice-did :active t)
            (variance--wait alice (lambda () (string-match-p
                                              "is typing"
                                              (or (buffer-local-value 'header-line-format
                                                                      alice-buffer)
                                                  "")))
                            "the typing header line")
            (with-current-buffer alice-buffer
              (should (derived-mode-p 'variance-conversation-mode))
              (should (equal variance-conversation bob-did))
              ;; Sending from the conversation buffer goes to its conversation.
              (should (equal (alist-get 'status (variance-send-message variance-conversation
                                                                       "hello bob" alice))
                             "queued"))
              (variance-test-wait-for-text alice-buffer "me: hello bob")))
          (variance-test-wait-for-text (variance-conversation-buffer bob alice-did) "hello bob")
          (with-current-buffer (variance-conversation-buffer bob alice-did)
            (should (string-match-p "me: hello alice\n.*: hello bob\n" (buffer-string))))
          ;; A conversation opened afresh starts with its history.
          (kill-buffer (variance-conversation-buffer bob alice-did))
          (with-current-buffer (variance-open-conversation alice-did bob)
            (should (string-match-p "\\`me: hello alice\n.*: hello bob\n\\'" (buffer-string))))
          ;; And the engine has both, newest first.
          (let ((messages (alist-get 'messages (variance-api-messages-list bob :conversation alice-did))))
            (should (equal (mapcar (lambda (m) (alist-get 'text m)) messages)
                           '("hello bob" "hello alice")))))))))

(ert-deftest variance-start-and-stop-commands ()
  (variance-test-with-dirs (dir)
    (let ((variance-current nil))
      (unwind-protect
          (progn
            (variance-start dir)
            (should (variance-live-p variance-current))
            (should-error (variance-start dir) :type 'user-error)
            (should (equal (alist-get 'identity (variance-api-engine-info variance-current)) "none"))
            (let ((conn variance-current))
              (variance-stop)
              (should-not variance-current)
              (should (equal (variance-connection-exit-status conn) 0))))
        (when variance-current (variance-stop))))))

(provide 'variance-test)
;;; variance-test.el ends here
