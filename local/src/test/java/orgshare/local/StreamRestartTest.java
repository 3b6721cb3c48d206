package orgshare.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * start-api --data keeps its place in the table's stream: a restarted runner hands the delivery function what was
 * written since, and not again what it handed over before it stopped.
 */
class StreamRestartTest {
    @Test
    void aRestartedRunnerGoesOnWhereTheStreamWasLeft(@TempDir Path data) {
        TemplateModel template = ProjectFiles.template(OperatorKey.generate(), LocalDynamo.TABLE_NAME);
        try (LocalDynamo dynamo = LocalDynamo.persistent(data)) {
            try (LocalStreamPoller poller = poller(template, dynamo, data)) {
                write(dynamo, "before-1");
                write(dynamo, "before-2");
                assertEquals(2, poller.pollOnce());
                assertEquals(0, poller.pollOnce(), "read once");
            }
            assertTrue(Files.isRegularFile(data.resolve(LocalStreamPoller.POSITIONS_FILE)));
            write(dynamo, "while-stopped");
            try (LocalStreamPoller restarted = poller(template, dynamo, data)) {
                assertEquals(1, restarted.pollOnce(), "only what came while it was stopped");
            }
        }
    }

    private static LocalStreamPoller poller(TemplateModel template, LocalDynamo dynamo, Path data) {
        return new LocalStreamPoller(new FunctionInvoker(template, dynamo.client()), dynamo.client(), dynamo.streamsClient(),
                LocalDynamo.TABLE_NAME, template.streamSources(), data, System.err);
    }

    private static void write(LocalDynamo dynamo, String id) {
        dynamo.client().putItem(b -> b.tableName(LocalDynamo.TABLE_NAME).item(Map.of("pk", AttributeValue.fromS("TEST#" + id),
                "sk", AttributeValue.fromS("X"))));
    }
}
