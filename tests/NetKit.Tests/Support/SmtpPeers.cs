namespace NetKit.Tests.Support;

/// <summary>The SMTP programs the server tests talk to (Debian packages; tests/install-peers.sh installs them).</summary>
public static class SmtpPeers
{
    /// <summary>swaks, the "Swiss Army Knife for SMTP".</summary>
    public static string Swaks => PeerPrograms.Require("swaks", "swaks");

    /// <summary>Postfix's load generator (in /usr/sbin, often not on a user's PATH).</summary>
    public static string SmtpSource
    {
        get
        {
            const string path = "/usr/sbin/smtp-source";
            Assert.True(File.Exists(path), $"peer program {path} is not installed; install it: echo \"postfix postfix/main_mailer_type select No configuration\" | debconf-set-selections && apt-get install -y postfix");
            return path;
        }
    }
}
