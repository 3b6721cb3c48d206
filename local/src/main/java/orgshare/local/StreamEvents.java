package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import orgshare.shared.db.DynamoJson;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

import java.math.BigDecimal;
import java.util.List;

/**
 * The event Lambda's event source mapping passes a function for a batch of a DynamoDB stream's records:
 * {@code {"Records": [{"eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb": {...},
 * "eventSourceARN"}]}}, the images in DynamoDB JSON.
 */
final class StreamEvents {
    private StreamEvents() {
    }

    static JsonNode event(List<Record> records, String streamArn) {
        ObjectNode event = EventJson.mapper().createObjectNode();
        ArrayNode list = event.putArray("Records");
        for (Record record : records) {
            ObjectNode one = list.addObject();
            one.put("eventID", record.eventID());
            one.put("eventName", record.eventNameAsString());
            one.put("eventVersion", "1.1");
            one.put("eventSource", "aws:dynamodb");
            one.put("awsRegion", TemplateValues.REGION);
            StreamRecord change = record.dynamodb();
            ObjectNode dynamodb = one.putObject("dynamodb");
            if (change.approximateCreationDateTime() != null) {
                // seconds since the epoch, as a number (Lambda's events carry it so)
                dynamodb.put("ApproximateCreationDateTime",
                        BigDecimal.valueOf(change.approximateCreationDateTime().toEpochMilli()).movePointLeft(3));
            }
            dynamodb.set("Keys", EventJson.mapper().valueToTree(DynamoJson.json(change.keys())));
            if (change.hasNewImage()) {
                dynamodb.set("NewImage", EventJson.mapper().valueToTree(DynamoJson.json(change.newImage())));
            }
            if (change.hasOldImage()) {
                dynamodb.set("OldImage", EventJson.mapper().valueToTree(DynamoJson.json(change.oldImage())));
            }
            dynamodb.put("SequenceNumber", change.sequenceNumber());
            if (change.sizeBytes() != null) {
                dynamodb.put("SizeBytes", change.sizeBytes());
            }
            dynamodb.put("StreamViewType", change.streamViewTypeAsString());
            one.put("eventSourceARN", streamArn);
        }
        return event;
    }
}
