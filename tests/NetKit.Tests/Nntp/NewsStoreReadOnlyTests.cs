using NetKit.Nntp;

namespace NetKit.Tests.Nntp;

/// <summary>NewsStore.OpenReadOnly: what `netkit news list` uses beside a running server.</summary>
public sealed class NewsStoreReadOnlyTests
{
    [Fact]
    public void OpenReadOnly_noStore_throwsNoNewsStore_andCreatesNothing()
    {
        var missing = Path.Combine(Path.GetTempPath(), "netkit-news-ro-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<NewsStoreException>(() => NewsStore.OpenReadOnly(missing));
        Assert.Contains("no news store at", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task OpenReadOnly_besideTheWriter_readsGroupsAndArticles_butRefusesChanges()
    {
        var directory = Path.Combine(Path.GetTempPath(), "netkit-news-ro-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var writer = NewsStore.Open(directory);
            Assert.True(await writer.AddGroupAsync("local.ro", "read-only test"));
            var raw = "From: a@example.com\r\nNewsgroups: local.ro\r\nSubject: one\r\nMessage-ID: <one@example.com>\r\n\r\nbody\r\n"u8.ToArray();
            Assert.Equal(NewsPostOutcome.Stored, (await writer.StoreAsync(raw, ["local.ro"])).Outcome);

            await using var reader = NewsStore.OpenReadOnly(directory);
            var group = Assert.Single(await reader.ListGroupsAsync());
            Assert.Equal(("local.ro", 1L, 1L, 1L), (group.Name, group.Count, group.Low, group.High));
            Assert.True(await reader.HasArticleAsync("<one@example.com>"));
            Assert.False(await reader.IsModeratedAsync("local.ro"));
            Assert.Null(await reader.IsModeratedAsync("no.such.group"));
            var refused = await Assert.ThrowsAsync<NewsStoreException>(() => reader.AddGroupAsync("local.other"));
            Assert.Contains("read-only", refused.Message, StringComparison.Ordinal);

            // The writer goes on while the reader is open, and the reader sees what it commits.
            Assert.True(await writer.AddGroupAsync("local.later"));
            Assert.Equal(["local.later", "local.ro"], (await reader.ListGroupsAsync()).Select(g => g.Name));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
