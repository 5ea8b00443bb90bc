using System.Text;

namespace NetKit.Mail;

/// <summary>
/// Makes the legacy charsets mail still uses (windows-1251, koi8-r, iso-2022-jp ...) known to
/// .NET, which ships only the Unicode ones: without this, MimeKit decodes a windows-1251 header
/// or body as Latin-1 and a Cyrillic subject comes out as "Ïðèâåò".
/// </summary>
public static class MailCharsets
{
    private static readonly Lazy<bool> Registered = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    });

    /// <summary>Registers the code-page encodings once per process; cheap to call again.</summary>
    public static void EnsureRegistered() => _ = Registered.Value;
}
