using System.Text.Json;

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
