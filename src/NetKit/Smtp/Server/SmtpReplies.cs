namespace NetKit.Smtp.Server;

/// <summary>The server's fixed replies, formatted once.</summary>
internal static class SmtpReplies
{
    public static readonly SmtpWireReply Ok = new(250, "2.0.0", "Ok");
    public static readonly SmtpWireReply SenderOk = new(250, "2.1.0", "Ok");
    public static readonly SmtpWireReply RecipientOk = new(250, "2.1.5", "Ok");
    public static readonly SmtpWireReply StartData = new(354, "2.0.0", "End data with <CR><LF>.<CR><LF>");
    public static readonly SmtpWireReply Bye = new(221, "2.0.0", "Bye");
    public static readonly SmtpWireReply ReadyForTls = new(220, "2.0.0", "Ready to start TLS");
    public static readonly SmtpWireReply CannotVerify = new(252, "2.5.0", "Cannot VRFY user, but will accept the message and attempt delivery");
    public static readonly SmtpWireReply Help = new(214, "2.0.0", "Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH (RFC 5321)");

    public static readonly SmtpWireReply Unrecognized = new(500, "5.5.1", "Command not recognized");
    public static readonly SmtpWireReply LineTooLong = new(500, "5.5.2", "Line too long");
    public static readonly SmtpWireReply NulInCommand = new(500, "5.5.2", "NUL characters are not allowed in commands");
    public static readonly SmtpWireReply NotUtf8 = new(500, "5.5.2", "Commands must be UTF-8");
    public static readonly SmtpWireReply ExpnNotSupported = new(502, "5.5.1", "EXPN not supported");
    public static readonly SmtpWireReply StartTlsUnavailable = new(502, "5.5.1", "STARTTLS not available");
    public static readonly SmtpWireReply AuthUnavailable = new(502, "5.5.1", "AUTH not available");
    public static readonly SmtpWireReply HeloSyntax = new(501, "5.5.4", "Syntax: HELO hostname");
    public static readonly SmtpWireReply EhloSyntax = new(501, "5.5.4", "Syntax: EHLO hostname");
    public static readonly SmtpWireReply NoArguments = new(501, "5.5.4", "This command takes no argument");
    public static readonly SmtpWireReply VrfySyntax = new(501, "5.5.4", "Syntax: VRFY address");
    public static readonly SmtpWireReply BdatSyntax = new(501, "5.5.4", "Syntax: BDAT size [LAST]");
    public static readonly SmtpWireReply ParametersNeedEhlo = new(555, "5.5.4", "MAIL and RCPT parameters need EHLO");
    public static readonly SmtpWireReply HelloFirst = new(503, "5.5.1", "Send EHLO or HELO first");
    public static readonly SmtpWireReply NestedMail = new(503, "5.5.1", "Nested MAIL command");
    public static readonly SmtpWireReply NeedMail = new(503, "5.5.1", "Need MAIL command");
    public static readonly SmtpWireReply NoValidRecipients = new(554, "5.5.1", "No valid recipients");
    public static readonly SmtpWireReply NotDuringBdat = new(503, "5.5.1", "Not allowed while a BDAT message is open; finish it with BDAT LAST or RSET");
    public static readonly SmtpWireReply BinaryNeedsBdat = new(503, "5.5.1", "BODY=BINARYMIME needs BDAT, not DATA");
    public static readonly SmtpWireReply NotInTransaction = new(503, "5.5.1", "Not allowed during a mail transaction");
    public static readonly SmtpWireReply AlreadyTls = new(503, "5.5.1", "TLS is already active");
    public static readonly SmtpWireReply TooManyRecipients = new(452, "4.5.3", "Too many recipients");
    public static readonly SmtpWireReply UserUnknown = new(550, "5.1.1", "User unknown");
    public static readonly SmtpWireReply RelayDenied = new(550, "5.7.1", "Relaying denied");
    public static readonly SmtpWireReply MessageTooBig = new(552, "5.3.4", "Message size exceeds fixed limit");
    public static readonly SmtpWireReply BareLineFeed = new(554, "5.6.11", "Bare LF in message; lines must end with CRLF");
    public static readonly SmtpWireReply BareCarriageReturn = new(554, "5.6.11", "Bare CR in message; lines must end with CRLF");
    public static readonly SmtpWireReply NulInMessage = new(554, "5.6.0", "NUL characters are not allowed in a message (except BODY=BINARYMIME)");
    public static readonly SmtpWireReply InsufficientStorage = new(452, "4.3.1", "Insufficient system storage; try again later");
    public static readonly SmtpWireReply DataLineTooLong = new(554, "5.6.0", "A message line is too long");
    public static readonly SmtpWireReply LocalError = new(451, "4.3.0", "Local error in processing; try again later");

    public static readonly SmtpWireReply Authenticated = new(235, "2.7.0", "Authentication successful");
    public static readonly SmtpWireReply AuthSyntax = new(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
    public static readonly SmtpWireReply AuthCancelled = new(501, "5.0.0", "Authentication cancelled");
    public static readonly SmtpWireReply AuthNotBase64 = new(501, "5.5.2", "Cannot decode the response (base64 expected)");
    public static readonly SmtpWireReply AuthLineTooLong = new(500, "5.5.6", "Authentication exchange line is too long");
    public static readonly SmtpWireReply AlreadyAuthenticated = new(503, "5.5.1", "Already authenticated");
    public static readonly SmtpWireReply UnknownMechanism = new(504, "5.5.4", "Unrecognized authentication mechanism");
    public static readonly SmtpWireReply EncryptionRequired = new(538, "5.7.11", "Encryption required for requested authentication mechanism");
    public static readonly SmtpWireReply AuthFailed = new(535, "5.7.8", "Authentication credentials invalid");
    public static readonly SmtpWireReply TooManyAuthFailures = new(421, "4.7.0", "Too many failed authentication attempts; closing the connection");

    public static readonly SmtpWireReply NotHttp = new(221, "2.7.0", "This is an SMTP server, not a web server; goodbye");

    public static readonly SmtpWireReply TooManyErrors = new(421, "4.7.0", "Too many errors; closing the connection");
    public static readonly SmtpWireReply Timeout = new(421, "4.4.2", "Timeout; closing the connection");
    public static readonly SmtpWireReply ShuttingDown = new(421, "4.3.2", "Server shutting down; try again later");
}
