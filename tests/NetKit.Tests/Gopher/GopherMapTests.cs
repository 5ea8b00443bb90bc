using NetKit.Gopher;
using NetKit.Gopher.Server;

namespace NetKit.Tests.Gopher;

public class GopherMapTests
{
    private static readonly GopherItem Listed = new('0', "listed.txt", "/dir/listed.txt", "here", 7070);

    private static List<GopherItem> Read(string map, Action<ISet<string>>? seeHidden = null) =>
        GopherMap.Read(map, "/dir", "here", 7070, hidden =>
        {
            seeHidden?.Invoke(hidden);
            return [Listed];
        });

    [Fact]
    public void Read_linesWithoutTabs_infoLines()
    {
        Assert.Equal([GopherItem.Info("Hello"), GopherItem.Info(""), GopherItem.Info("Title")], Read("Hello\n\n!Title\n"));
    }

    [Fact]
    public void Read_commentsAndIncludes_skipped()
    {
        Assert.Equal([GopherItem.Info("shown")], Read("# comment\n=/bin/date\nshown\n"));
    }

    [Fact]
    public void Read_relativeSelector_underTheDirectory()
    {
        Assert.Equal([new GopherItem('0', "Note", "/dir/note.txt", "here", 7070)], Read("0Note\tnote.txt\n"));
    }

    [Fact]
    public void Read_noSelector_displayIsTheName()
    {
        Assert.Equal([new GopherItem('1', "sub", "/dir/sub", "here", 7070)], Read("1sub\t\n"));
    }

    [Fact]
    public void Read_absoluteAndUrlSelectors_keptAsTheyAre()
    {
        Assert.Equal(
            [new GopherItem('1', "Docs", "/docs", "here", 7070), new GopherItem('h', "Web", "URL:https://example.org/", "here", 7070)],
            Read("1Docs\t/docs\nhWeb\tURL:https://example.org/\n"));
    }

    [Fact]
    public void Read_remoteItem_itsHostAndPort()
    {
        Assert.Equal(
            [new GopherItem('1', "Floodgap", "/", "gopher.floodgap.com", 70), new GopherItem('1', "Other", "x", "other.example", 70)],
            Read("1Floodgap\t/\tgopher.floodgap.com\t70\n1Other\tx\tother.example\n"));
    }

    [Fact]
    public void Read_star_listingThenStop()
    {
        ISet<string>? hidden = null;
        Assert.Equal([GopherItem.Info("before"), Listed], Read("before\n-secret.txt\n*\nafter\n", h => hidden = h));
        Assert.Equal(["secret.txt"], hidden!);
    }

    [Fact]
    public void Read_loneDot_endsTheMap()
    {
        Assert.Equal([GopherItem.Info("a")], Read("a\r\n.\r\nb\r\n"));
    }
}
