namespace NetKit.Gopher;

/// <summary>
/// The item types of RFC 1436 and the extensions every client knows (i, h, g, I, s),
/// and the type a file gets from its name and first bytes.
/// </summary>
public static class GopherItemType
{
    public const char Text = '0';
    public const char Menu = '1';
    public const char CsoPhoneBook = '2';
    public const char Error = '3';
    public const char BinHex = '4';
    public const char DosArchive = '5';
    public const char UuEncoded = '6';
    public const char Search = '7';
    public const char Telnet = '8';
    public const char Binary = '9';
    public const char Mirror = '+';
    public const char Gif = 'g';
    public const char Image = 'I';
    public const char Tn3270 = 'T';
    public const char Html = 'h';
    public const char Info = 'i';
    public const char Sound = 's';

    /// <summary>A short name for a type, as a menu listing shows it.</summary>
    public static string Describe(char type) => type switch
    {
        Text => "text",
        Menu => "menu",
        CsoPhoneBook => "cso",
        Error => "error",
        BinHex => "binhex",
        DosArchive => "archive",
        UuEncoded => "uuencoded",
        Search => "search",
        Telnet => "telnet",
        Binary => "binary",
        Mirror => "mirror",
        Gif => "gif",
        Image => "image",
        Tn3270 => "tn3270",
        Html => "html",
        Info => "info",
        Sound => "sound",
        _ => $"type '{type}'",
    };

    /// <summary>True for the types whose body is text ending in a lone dot (text items and menus).</summary>
    public static bool IsDotTerminated(char type) => type is Text or Menu or Search or Error;

    /// <summary>True for the types a client saves as bytes rather than shows.</summary>
    public static bool IsBinary(char type) => type is Binary or Gif or Image or Sound or DosArchive or BinHex or UuEncoded;

    /// <summary>
    /// The type of a file from its extension; for an extension not listed, text when
    /// its first bytes are UTF-8 without NUL, else binary.
    /// </summary>
    public static char ForFile(string name, ReadOnlySpan<byte> head)
    {
        var extension = Path.GetExtension(name).ToLowerInvariant();
        return extension switch
        {
            ".txt" or ".text" or ".md" or ".gmi" or ".csv" or ".log" or ".conf" or ".ini" or ".json" or ".xml"
                or ".c" or ".h" or ".cs" or ".py" or ".sh" or ".rs" or ".go" or ".js" or ".css" or ".yaml" or ".yml" => Text,
            ".html" or ".htm" or ".xhtml" => Html,
            ".gif" => Gif,
            ".png" or ".jpg" or ".jpeg" or ".bmp" or ".webp" or ".tif" or ".tiff" or ".ico" or ".svg" => Image,
            ".wav" or ".mp3" or ".ogg" or ".flac" or ".au" or ".aiff" or ".mid" or ".midi" => Sound,
            ".hqx" => BinHex,
            ".uu" or ".uue" => UuEncoded,
            ".zip" or ".gz" or ".tgz" or ".bz2" or ".xz" or ".7z" or ".tar" or ".exe" or ".pdf" or ".bin" or ".iso" or ".dmg" => Binary,
            _ => LooksLikeText(head) ? Text : Binary,
        };
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.Contains((byte)0))
        {
            return false;
        }

        // A UTF-8 sequence cut at the end of the sample is still text.
        var invalid = Transport.Utf8Text.FindInvalidByte(head);
        return invalid < 0 || Transport.Utf8Text.EndsInsideSequence(head[invalid..]);
    }
}
