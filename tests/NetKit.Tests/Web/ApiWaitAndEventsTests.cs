using System.Net;
using System.Text.Json;

namespace NetKit.Tests.Web;

/// <summary>/api/messages/wait for test suites and /api/events for live views, against deliveries made while they wait.</summary>
public sealed class ApiWaitAndEventsTests
{
    [Fact]
    public async Task Wait_isSatisfiedByALaterDelivery_notByAnEarlierOrOtherOne()
    {
        await using var web = await ApiTestServer.StartAsync();
        await web.DeliverAsync(ApiTestServer.Message("Your code is 1111"));
        var since = DateTimeOffset.UtcNow.AddMilliseconds(-1).ToString("o");

        var waiting = web.Http.GetAsync($"/api/messages/wait?to=carol@&subject=code&since={Uri.EscapeDataString(since)}&timeout=20");
        await WaitForSubscriberAsync(web, waiting);
        await web.DeliverAsync(ApiTestServer.Message("Your code is 2222"), to: "dave@localhost"); // Not to carol.
        var expected = await web.DeliverAsync(ApiTestServer.Message("Your code is 3333", to: "carol@localhost"), to: "carol@localhost");

        using var response = await waiting;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var summary = JsonDocument.Parse(text).RootElement;
        Assert.Equal(expected, summary.GetProperty("id").GetInt64());
        Assert.Equal("Your code is 3333", summary.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Wait_answersAtOnceWithTheNewestStoredMatch()
    {
        await using var web = await ApiTestServer.StartAsync();
        await web.DeliverAsync(ApiTestServer.Message("Welcome 1"));
        var newest = await web.DeliverAsync(ApiTestServer.Message("Welcome 2"));

        var summary = await web.GetJsonAsync("/api/messages/wait?subject=welcome&timeout=0");
        Assert.Equal(newest, summary.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Wait_timesOutWith408_andRefusesABadTimeout()
    {
        await using var web = await ApiTestServer.StartAsync();
        await web.DeliverAsync(ApiTestServer.Message("Something else"));

        using var timedOut = await web.Http.GetAsync("/api/messages/wait?subject=never&timeout=0.3");
        await ApiTestServer.ProblemAsync(timedOut, HttpStatusCode.RequestTimeout);
        using var tooLong = await web.Http.GetAsync("/api/messages/wait?timeout=301");
        await ApiTestServer.ProblemAsync(tooLong, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Events_streamADeliveryAndADeletion()
    {
        await using var web = await ApiTestServer.StartAsync();
        using var response = await web.Http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith(":", await reader.ReadLineAsync()); // The opening comment: subscribed from here on.

        var id = await web.DeliverAsync(ApiTestServer.Message("Live one", "arrives while you watch"));
        var (name, data) = await NextEventAsync(reader);
        Assert.Equal("message", name);
        Assert.Equal(id, data.GetProperty("id").GetInt64());
        Assert.Equal("Live one", data.GetProperty("subject").GetString());
        Assert.Equal("arrives while you watch", data.GetProperty("preview").GetString());

        using (var deleted = await web.Http.DeleteAsync($"/api/messages/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        (name, data) = await NextEventAsync(reader);
        Assert.Equal("deleted", name);
        Assert.Equal([id], data.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()));
    }

    [Fact]
    public async Task Events_anImapStyleMoveIsANewMessageAndADeletion()
    {
        await using var web = await ApiTestServer.StartAsync();
        var id = await web.DeliverAsync(ApiTestServer.Message("Move me"));
        Assert.Equal(NetKit.Mail.MailboxResult.Done, await web.Mail.CreateMailboxAsync("bob", "Archive"));
        using var response = await web.Http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith(":", await reader.ReadLineAsync());

        Assert.NotNull(await web.Mail.CopyEntriesAsync("bob", "INBOX", [id], "Archive", move: true));

        var (name, data) = await NextEventAsync(reader);
        Assert.Equal("message", name);
        Assert.Equal("Archive", data.GetProperty("mailbox").GetString());
        Assert.Equal("Move me", data.GetProperty("subject").GetString());
        Assert.NotEqual(id, data.GetProperty("id").GetInt64());
        (name, data) = await NextEventAsync(reader);
        Assert.Equal("deleted", name);
        Assert.Equal([id], data.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()));
    }

    /// <summary>The next event (comments skipped): its name and its JSON data.</summary>
    private static async Task<(string Name, JsonElement Data)> NextEventAsync(StreamReader reader)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? name = null;
        string? data = null;
        while (await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
            else if (line.Length == 0 && name is not null && data is not null)
            {
                return (name, JsonDocument.Parse(data).RootElement.Clone());
            }
        }

        throw new InvalidOperationException("the event stream ended");
    }

    /// <summary>
    /// The wait request has reached the server once a connection is open and the request has not
    /// finished; then a short pause lets it subscribe. A delivery before it subscribes would still
    /// be found by its look at the store (since= keeps the old message out), so this only makes
    /// the test exercise the live path most of the time, never makes it pass wrongly.
    /// </summary>
    private static async Task WaitForSubscriberAsync(ApiTestServer web, Task<HttpResponseMessage> waiting)
    {
        for (var i = 0; i < 200 && !waiting.IsCompleted; i++)
        {
            var status = await web.GetJsonAsync("/api/status");
            if (status.GetProperty("services")[0].GetProperty("activeConnections").GetInt32() >= 2)
            {
                break;
            }

            await Task.Delay(20);
        }

        await Task.Delay(100);
    }
}
