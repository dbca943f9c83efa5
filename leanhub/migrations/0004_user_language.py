"""Each person's language (English or Welsh); blank follows the browser. Existing people get
blank, so nothing changes for them until they use the language switch."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("leanhub", "0003_verbose_names")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="language",
            field=models.CharField(
                blank=True,
                choices=[("en-gb", "English"), ("cy", "Welsh")],
                default="",
                help_text="The language LeanHub is shown in; blank follows the browser.",
                max_length=10,
                verbose_name="language",
            ),
        ),
    ]
