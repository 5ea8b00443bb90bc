using NetKit.Mail;

namespace NetKit.Ftp.Server;

/// <summary>FTP logins checked against the mail store's users (<c>netkit users</c>).</summary>
public static class FtpMailStoreLogins
{
    public static FtpAuthenticator For(MailStore store) => async (userName, password, cancellationToken) =>
    {
        try
        {
            return (await store.VerifyPasswordAsync(userName, password, cancellationToken))?.Name;
        }
        catch (MailStoreException)
        {
            // An invalid user name ("a b", "../x") is just a failed login.
            return null;
        }
    };
}
