using System.Text;
using NetKit.Imap;

namespace NetKit.Tests.Fuzz;

/// <summary>Inputs AFL++ found (fuzz/run.sh, target imap-response) that crashed the IMAP client's parsers, fed to the same entry points.</summary>
public class ImapFuzzRegressionTests
{
    private static ImapValue FetchItem(string response, string name)
    {
        var parsed = ImapResponse.Parse(new ImapRawCommand([Encoding.UTF8.GetBytes(response)], []));
        var items = parsed.Values[0].Items;
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            if (items[i].Text == name)
            {
                return items[i + 1];
            }
        }

        throw new InvalidOperationException(name + " not in the response");
    }

    [Fact]
    public void BodyStructure_sizePast64Bits_parseException()
    {
        // The crashing input as found: a BODY whose size is a 22-digit atom (long.Parse overflowed).
        var response = Encoding.UTF8.GetString(Convert.FromHexString("2a2031322046455443482028464c41475320285c5365656e2920494e5445524e414c44415445202231372d4a756c2d31303022205246433832322e53495a45203432383620454e56454c4f50452028225765642c203137204a756c20313939362030323a32333a3235202d30553030202850445429222022494d41503472657622202828225465727279204772617922204e494c2022677261792220226361632e77617368696e67746f6e2e656475222929204e494c204e494c2028284e494c204e494c2022696d61702220226361632e77617368696e67746f6e2e656475222929204e494c204e494c204e494c20223c4232373339372d30313030303030406361637368696e67746f6e2e6564753e222920424f445920282254455854222022504c41494e222028224348415653455422202255532d41534349492229204e494c204e494c2022374249542220333032303030303030303030303030303030303820393229290d0a")).TrimEnd('\r', '\n');
        var body = FetchItem(response, "BODY");
        var ex = Assert.Throws<ImapParseException>(() => ImapBodyStructure.Parse(body));
        Assert.Contains("size is not a number", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"big\"")]
    [InlineData("\"-1\"")]
    [InlineData("\"\u0661\u0662\"")]
    public void BodyStructure_sizeStringNotANumber_parseException(string size)
    {
        var body = FetchItem($"* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" {size} 3))", "BODY");
        Assert.Throws<ImapParseException>(() => ImapBodyStructure.Parse(body));
    }

    [Fact]
    public void BodyStructure_sizeAsQuotedNumber_stillRead()
    {
        var body = FetchItem("* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" \"3028\" 92))", "BODY");
        Assert.Equal(3028, ImapBodyStructure.Parse(body).Size);
    }

    [Fact]
    public void Envelope_invalidAddress_parseException()
    {
        // The crashing input as found (second run): an address MimeKit refuses threw MimeKit.ParseException.
        var response = Encoding.UTF8.GetString(Convert.FromHexString("2a2031322046455443482028464c41475320285c5365656e2920494e5445524e414c444154452022303022205246433832322e53495a45203432383620454e56454c4f50452028224772617922204e494c2022677261792220226361632e7720313939362030323a29222022494d41503472657622202828225465727279384772617922204e494c2022677261792220226361ff7fffff7368696e67746f6e2e656475222929204e494c204e494c2028284e494c204e49572022696d61702220226361632e77617368696e67746f6e2e656475222929204e494c204e494c204e494c2022ffff7fff3339372d30313030303030406361632e77617368696e67746f6e2e6564753e222920424f445920282254455854222022504c41494e222028224348415253455422202255532d41534349492229204e494c204e494c20223742495422203330323820373229290d0a")).TrimEnd('\r', '\n');
        var envelope = FetchItem(response, "ENVELOPE");
        var ex = Assert.Throws<ImapParseException>(() => ImapEnvelope.Parse(envelope));
        Assert.Contains("envelope address is not valid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Envelope_addressWithSpaceInMailbox_parseException()
    {
        var envelope = FetchItem("* 1 FETCH (ENVELOPE (NIL \"s\" ((\"A\" NIL \"a b\" \"\")) NIL NIL NIL NIL NIL NIL NIL))", "ENVELOPE");
        Assert.Throws<ImapParseException>(() => ImapEnvelope.Parse(envelope));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("17-Jul-1996")]
    [InlineData("17-Jul-1996 02:44:25 -07")]
    public void InternalDate_tooShortOrIncomplete_isNoDate(string text)
    {
        // Found by reading: the client inserted a ':' two characters from the end, which threw for short text.
        Assert.False(ImapParser.TryParseDateTime(text, out _));
    }

    [Theory]
    [InlineData("17-Jul-1996 02:44:25 -0700")]
    [InlineData(" 7-Jul-1996 02:44:25 +0000")]
    public void InternalDate_rfc3501Form_parses(string text) => Assert.True(ImapParser.TryParseDateTime(text, out _));
}
