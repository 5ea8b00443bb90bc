using System.Text;
using MimeKit;
using NetKit.Nntp;
using NetKit.Nntp.Client;
using NetKit.Tests.Support;

namespace NetKit.Tests.Nntp;

/// <summary>Our client against INN (Debian's inn2: innd and nnrpd), started on a loopback port with a temporary configuration.</summary>
public sealed class NntpClientInnInteropTests
{
    [Fact]
    public async Task Client_againstInn_readsPostsAndLists()
    {
        var (inn, port) = await InteropScripts.StartServerAsync("nntp_inn_server.py", "local.netkit", "local.other");
        await using var _ = inn;
        await using var client = new NntpClient(new NntpClientOptions { CommandTimeout = TimeSpan.FromSeconds(20) });
        await client.ConnectAsync("127.0.0.1", port);
        // innd speaks transit; MODE READER hands the connection to nnrpd.
        Assert.Equal(200, (await client.ModeReaderAsync()).Code);
        Assert.True(await client.HasCapabilityAsync("READER"));
        Assert.Contains("local.netkit", (await client.ListActiveAsync()).Select(g => g.Name));
        Assert.Equal("INN test group local.netkit", (await client.DescriptionsAsync("local.*"))["local.netkit"]);

        var since = DateTimeOffset.UtcNow.AddMinutes(-5);
        for (var i = 1; i <= 2; i++)
        {
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress("NetKit", "netkit@example.net"));
            message.Subject = $"from NetKit {i}";
            message.Headers.Add("Newsgroups", "local.netkit");
            message.MessageId = $"netkit-{i}-{Guid.NewGuid():N}@example.net";
            message.Body = new TextPart("plain") { Text = "Hello INN.\r\n.a dotted line\r\n.\r\n" };
            Assert.Equal(240, (await client.PostAsync(message)).Code);
        }

        var group = await client.GroupAsync("local.netkit");
        Assert.Equal(2, group.Count);
        var over = await client.OverAsync(new NntpRange(group.Low, group.High));
        Assert.Equal(["from NetKit 1", "from NetKit 2"], over.Select(o => o.Subject));
        var article = await client.ArticleAsync(group.Low);
        Assert.Equal("from NetKit 1", article.Message.Subject);
        Assert.Contains("\r\n.a dotted line\r\n.\r\n", Encoding.UTF8.GetString(article.Raw), StringComparison.Ordinal);
        Assert.Equal(article.MessageId, (await client.StatAsync(article.MessageId)).MessageId);
        Assert.Equal(group.High, (await client.NextAsync()).Number);
        Assert.Equal([(group.Low, "from NetKit 1"), (group.High, "from NetKit 2")], await client.HdrAsync("Subject", $"{group.Low}-"));
        Assert.Equal(2, (await client.NewNewsAsync("local.netkit", since)).Count);
        Assert.InRange(await client.DateAsync(), since, DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal(411, (await Assert.ThrowsAsync<NntpCommandException>(() => client.GroupAsync("no.such.group"))).Code);
        await client.QuitAsync();
        // SIGTERM lets the script stop innd and remove its temporary directory (a kill on dispose would leave it).
        await inn.SignalAndWaitAsync("TERM", TimeSpan.FromSeconds(15));
    }
}
