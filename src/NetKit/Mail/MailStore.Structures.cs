using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace NetKit.Mail;

/// <summary>
/// A stored message's IMAP structure in wire form: ENVELOPE, BODY and BODYSTRUCTURE, computed once
/// from its bytes and kept beside them (the content never changes, so neither does its structure).
/// </summary>
public sealed record MailStructure(byte[] Envelope, byte[] Body, byte[] BodyStructure);

// Bulk reads for IMAP: one query per command (or per chunk of a big one), not one per message.
public sealed partial class MailStore
{
    /// <summary>The exact bytes of many entries, by entry id; entries gone from the store are not in it.</summary>
    public async Task<Dictionary<long, byte[]>> ReadMessagesAsync(IReadOnlyCollection<long> entryIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entryIds);
        var found = await QueryAsync(
            """
            SELECT e.id, body.raw FROM entries e JOIN message_bodies body ON body.message_id = e.message_id
            WHERE e.id IN (SELECT value FROM json_each($ids));
            """,
            p => p.AddWithValue("$ids", JsonSerializer.Serialize(entryIds)),
            row => (Id: row.GetInt64(0), Raw: (byte[])row.GetValue(1)),
            ct).ConfigureAwait(false);
        return found.ToDictionary(f => f.Id, f => f.Raw);
    }

    /// <summary>
    /// The header block (up to and with the first blank line; the whole message when it has none) of
    /// many entries, by entry id: what a SEARCH on header fields needs, without copying each body out.
    /// </summary>
    public async Task<Dictionary<long, byte[]>> ReadHeadersAsync(IReadOnlyCollection<long> entryIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entryIds);
        var found = await QueryAsync(
            """
            SELECT e.id, body.raw FROM entries e JOIN message_bodies body ON body.message_id = e.message_id
            WHERE e.id IN (SELECT value FROM json_each($ids));
            """,
            p => p.AddWithValue("$ids", JsonSerializer.Serialize(entryIds)),
            row => (Id: row.GetInt64(0), Header: HeaderBlock(row, 1)),
            ct).ConfigureAwait(false);
        return found.ToDictionary(f => f.Id, f => f.Header);
    }

    /// <summary>Copies a growing prefix of the column until it holds the blank line that ends the header.</summary>
    private static byte[] HeaderBlock(SqliteDataReader row, int ordinal)
    {
        var length = row.GetBytes(ordinal, 0, null, 0, 0);
        var buffer = new byte[(int)Math.Min(length, 4096)];
        var have = 0;
        while (true)
        {
            have += (int)row.GetBytes(ordinal, have, buffer, have, buffer.Length - have);
            var end = BlankLineEnd(buffer.AsSpan(0, have));
            if (end >= 0)
            {
                return buffer[..end];
            }

            if (have >= length)
            {
                return buffer[..have];
            }

            Array.Resize(ref buffer, (int)Math.Min(length, (long)buffer.Length * 4));
        }
    }

    /// <summary>
    /// Where the first empty line ("\r\n" or "\n") ends, or -1 when there is none in the bytes yet.
    /// A parser of the header stops at that line or before it, so the prefix holds all it reads.
    /// </summary>
    internal static int BlankLineEnd(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("\r\n"u8))
        {
            return 2;
        }

        if (bytes.StartsWith("\n"u8))
        {
            return 1;
        }

        for (var at = bytes.IndexOf((byte)'\n'); at >= 0;)
        {
            var rest = bytes[(at + 1)..];
            if (rest.StartsWith("\n"u8))
            {
                return at + 2;
            }

            if (rest.StartsWith("\r\n"u8))
            {
                return at + 3;
            }

            if (rest.Length < 2)
            {
                return -1; // the next line's start is not read yet
            }

            var next = rest.IndexOf((byte)'\n');
            at = next < 0 ? -1 : at + 1 + next;
        }

        return -1;
    }

    /// <summary>The structures already computed for many entries, by entry id.</summary>
    public async Task<Dictionary<long, MailStructure>> ReadStructuresAsync(IReadOnlyCollection<long> entryIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entryIds);
        var found = await QueryAsync(
            """
            SELECT e.id, s.envelope, s.body, s.bodystructure FROM entries e JOIN message_structures s ON s.message_id = e.message_id
            WHERE e.id IN (SELECT value FROM json_each($ids));
            """,
            p => p.AddWithValue("$ids", JsonSerializer.Serialize(entryIds)),
            row => (Id: row.GetInt64(0), Structure: new MailStructure((byte[])row.GetValue(1), (byte[])row.GetValue(2), (byte[])row.GetValue(3))),
            ct).ConfigureAwait(false);
        return found.ToDictionary(f => f.Id, f => f.Structure);
    }

    /// <summary>Keeps computed structures by content id (one transaction); a content deleted meanwhile is skipped.</summary>
    public async Task SaveStructuresAsync(IReadOnlyList<(long ContentId, MailStructure Structure)> structures, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(structures);
        if (structures.Count == 0)
        {
            return;
        }

        var list = structures.ToArray();
        await Writer.EnqueueAsync(context =>
        {
            foreach (var (contentId, structure) in list)
            {
                var command = context.Command("""
                    INSERT OR IGNORE INTO message_structures (message_id, envelope, body, bodystructure)
                    SELECT $id, $envelope, $body, $bodystructure WHERE EXISTS (SELECT 1 FROM messages WHERE id = $id);
                    """);
                command.Parameters.AddWithValue("$id", contentId);
                command.Parameters.AddWithValue("$envelope", structure.Envelope);
                command.Parameters.AddWithValue("$body", structure.Body);
                command.Parameters.AddWithValue("$bodystructure", structure.BodyStructure);
                command.ExecuteNonQuery();
            }

            return true;
        }, list.Sum(s => (long)(s.Structure.Envelope.Length + s.Structure.Body.Length + s.Structure.BodyStructure.Length)), ct).ConfigureAwait(false);
    }
}
