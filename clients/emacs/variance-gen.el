;;; variance-gen.el --- variance-methods.el from rpc-spec/openrpc.json  -*- lexical-binding: t; -*-

;;; Commentary:

;; Writes clients/emacs/variance-methods.el: one function per method of the OpenRPC
;; document, with the params as keyword arguments (camelCase becomes kebab-case:
;; replyTo -> :reply-to), plus the lists of methods, notifications and error codes.
;;
;;   emacs -Q --batch -l clients/emacs/variance-gen.el -f variance-gen-batch
;;
;; variance-test.el checks that the file is what this makes of the spec today.

;;; Code:

(require 'cl-lib)
(require 'subr-x)

(defconst variance-gen--directory
  (file-name-directory (or load-file-name buffer-file-name default-directory)))

(defconst variance-gen-spec-file
  (expand-file-name "../../rpc-spec/openrpc.json" variance-gen--directory)
  "The OpenRPC document.")

(defconst variance-gen-output-file
  (expand-file-name "variance-methods.el" variance-gen--directory)
  "The generated file.")

(defun variance-gen-kebab (name)
  "NAME (camelCase, with dots) as a Lisp name.
messages.markRead -> messages-mark-read."
  (let ((case-fold-search nil))
    (downcase (replace-regexp-in-string
               "\\([a-z0-9]\\)\\([A-Z]\\)" "\\1-\\2"
               (replace-regexp-in-string "\\." "-" (string-remove-prefix "$/" name))))))

(defun variance-gen-function-name (method)
  "The function generated for METHOD: variance-api-<kebab>."
  (intern (concat "variance-api-" (variance-gen-kebab method))))

(defun variance-gen-read-spec (&optional file)
  "The OpenRPC document in FILE, as alists and lists.
FILE defaults to `variance-gen-spec-file'."
  (with-temp-buffer
    (insert-file-contents (or file variance-gen-spec-file))
    (json-parse-buffer :object-type 'alist :array-type 'list :null-object nil :false-object nil)))

(defun variance-gen--fill (text &optional indent)
  "TEXT filled to 79 columns, continuation lines indented by INDENT spaces."
  (with-temp-buffer
    (insert text)
    (let ((fill-column 79)
          (fill-prefix (make-string (or indent 0) ?\s)))
      (fill-region (point-min) (point-max)))
    (buffer-string)))

(defun variance-gen--method (method)
  "The source of the function for METHOD (an alist from the spec)."
  (let-alist method
    (let* ((function (variance-gen-function-name .name))
           (params .params)
           (keys (mapcar (lambda (p) (intern (variance-gen-kebab (alist-get 'name p)))) params))
           (doc (concat (format "Call %s with CONN, a `variance-connection'." .name)
                        (if .summary (concat "\n" (variance-gen--fill .summary)) "")
                        (if params "\n\nKeyword arguments:\n" "")
                        (mapconcat
                         (lambda (p)
                           (let-alist p
                             (variance-gen--fill
                              (format "  :%s%s%s" (variance-gen-kebab .name)
                                      (if .required " (required)" "")
                                      (if .description (concat " " .description) ""))
                              4)))
                         params "\n"))))
      (concat
       (format "(cl-defun %s (conn%s)\n  %S\n"
               function
               (if keys (concat " &key " (mapconcat #'symbol-name keys " ")) "")
               doc)
       (mapconcat (lambda (pair)
                    (format "  (variance--require-param %S %S %s)\n" .name (symbol-name (cdr pair)) (cdr pair)))
                  (cl-remove-if-not (lambda (pair) (alist-get 'required (car pair)))
                                    (cl-mapcar #'cons params keys))
                  "")
       (if keys
           (format "  (variance-call conn %S (variance--params (list %s))))\n"
                   .name
                   (mapconcat (lambda (pair) (format "(cons '%s %s)" (alist-get 'name (car pair)) (cdr pair)))
                              (cl-mapcar #'cons params keys) " "))
         (format "  (variance-call conn %S))\n" .name))))))

(defun variance-gen-source (&optional spec)
  "The text of variance-methods.el for SPEC (default: the spec file)."
  (let ((spec (or spec (variance-gen-read-spec))))
    (concat
     ";;; variance-methods.el --- generated from rpc-spec/openrpc.json by variance-gen.el  -*- lexical-binding: t; -*-\n\n"
     ";;; Commentary:\n\n;; Do not edit: emacs -Q --batch -l clients/emacs/variance-gen.el -f variance-gen-batch\n\n"
     ";;; Code:\n\n(require 'cl-lib)\n"
     "(declare-function variance-call \"variance\")\n"
     "(declare-function variance--params \"variance\")\n"
     "(declare-function variance--require-param \"variance\")\n\n"
     (format "(defconst variance-methods\n  '(%s)\n  \"Each method of the engine and the function that calls it.\")\n\n"
             (mapconcat (lambda (m) (format "(%S . %s)" (alist-get 'name m)
                                            (variance-gen-function-name (alist-get 'name m))))
                        (alist-get 'methods spec) "\n    "))
     (format "(defconst variance-notifications\n  '(%s)\n  \"The notifications the engine sends.\")\n\n"
             (mapconcat (lambda (n) (format "%S" (alist-get 'name n))) (alist-get 'x-notifications spec) " "))
     (format "(defconst variance-error-codes\n  '(%s)\n  \"The engine's error names and codes.\")\n\n"
             (mapconcat (lambda (e) (format "(%s . %d)" (car e) (alist-get 'code (cdr e))))
                        (alist-get 'errors (alist-get 'components spec)) " "))
     (mapconcat #'variance-gen--method (alist-get 'methods spec) "\n")
     "\n(provide 'variance-methods)\n;;; variance-methods.el ends here\n")))

(defun variance-gen-batch ()
  "Write `variance-gen-output-file' (for emacs --batch)."
  (let ((coding-system-for-write 'utf-8-unix))
    (write-region (variance-gen-source) nil variance-gen-output-file))
  (message "wrote %s" variance-gen-output-file))

(provide 'variance-gen)
;;; variance-gen.el ends here
