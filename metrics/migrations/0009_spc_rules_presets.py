
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('leanhub', '0003_verbose_names'),
        ('metrics', '0008_verbose_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='measure',
            name='chart_type',
            field=models.CharField(choices=[('xmr', 'XmR: the values themselves'), ('t', 'T: days between rare events'), ('g', 'G: cases between rare events')], default='xmr', max_length=3, verbose_name='chart type'),
        ),
        migrations.AddField(
            model_name='measure',
            name='conflict_rule',
            field=models.CharField(blank=True, choices=[('improvement', 'Show it as an improvement'), ('concern', 'Show it as a concern')], max_length=12, verbose_name='when a point is both improvement and concern'),
        ),
        migrations.AddField(
            model_name='measure',
            name='minimum_points',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='points before limits are drawn'),
        ),
        migrations.AddField(
            model_name='measure',
            name='previous_rules',
            field=models.CharField(blank=True, choices=[('nhse', 'NHS England Making Data Count (SQL v2.6)'), ('plotthedots', 'NHSRplotthedots 0.2')], max_length=20, verbose_name='previous SPC rules'),
        ),
        # Existing measures keep drawing exactly as before: they are given the NHSRplotthedots
        # preset (their screening setting, stored as True/False, is kept as their own). New
        # measures take their organisation's default (OrganisationSPC), which is NHS England's
        # SQL v2.6 rules unless an organisation admin chooses otherwise; hence the second step.
        migrations.AddField(
            model_name='measure',
            name='rules',
            field=models.CharField(choices=[('nhse', 'NHS England Making Data Count (SQL v2.6)'), ('plotthedots', 'NHSRplotthedots 0.2')], default='plotthedots', max_length=20, verbose_name='SPC rules'),
        ),
        migrations.AlterField(
            model_name='measure',
            name='rules',
            field=models.CharField(choices=[('nhse', 'NHS England Making Data Count (SQL v2.6)'), ('plotthedots', 'NHSRplotthedots 0.2')], default='nhse', max_length=20, verbose_name='SPC rules'),
        ),
        migrations.AddField(
            model_name='measure',
            name='rules_changed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='rules changed at'),
        ),
        migrations.AddField(
            model_name='measure',
            name='spc_warnings',
            field=models.JSONField(blank=True, default=list, verbose_name='SPC warnings'),
        ),
        migrations.AddField(
            model_name='measure',
            name='shift_points',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='points in a shift'),
        ),
        migrations.AddField(
            model_name='measure',
            name='trend_points',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='points in a trend'),
        ),
        migrations.AddField(
            model_name='observation',
            name='ghost',
            field=models.BooleanField(default=False, help_text='Shown on the chart but left out of its mean, limits and rules.', verbose_name='ghosted'),
        ),
        migrations.AlterField(
            model_name='measure',
            name='screen_moving_ranges',
            field=models.BooleanField(blank=True, help_text="A one-off jump does not widen the limits. Leave unknown to use the rules' default (on for NHSRplotthedots, off for NHS England's SQL).", null=True, verbose_name='Screen out unusually large moving ranges'),
        ),
        migrations.CreateModel(
            name='OrganisationSPC',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rules', models.CharField(choices=[('nhse', 'NHS England Making Data Count (SQL v2.6)'), ('plotthedots', 'NHSRplotthedots 0.2')], default='nhse', max_length=20, verbose_name='default SPC rules')),
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='spc_settings', to='leanhub.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'organisation SPC settings',
                'verbose_name_plural': 'organisation SPC settings',
            },
        ),
        migrations.CreateModel(
            name='MeasureTarget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.DecimalField(decimal_places=4, max_digits=14, verbose_name='target')),
                ('start', models.DateField(blank=True, null=True, verbose_name='from')),
                ('end', models.DateField(blank=True, null=True, verbose_name='until')),
                ('measure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='targets', to='metrics.measure', verbose_name='measure')),
            ],
            options={
                'verbose_name': 'target over time',
                'verbose_name_plural': 'targets over time',
                'ordering': ['start', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('start__isnull', True), ('end__isnull', True), ('start__lte', models.F('end')), _connector='OR'), name='target_starts_before_it_ends')],
            },
        ),
    ]
